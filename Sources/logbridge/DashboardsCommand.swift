import ArgumentParser
import Config
import Foundation
import SavedObjects
import Setup

struct DashboardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboards",
        abstract: "Check, normalise, import and export the saved dashboards in Dashboards/.",
        discussion: """
            The Dashboards URL comes from --url or DASHBOARDS_URL; a user from --username or DASHBOARDS_USERNAME
            with the password from --password-file or DASHBOARDS_PASSWORD. See docs/dashboards.md.
            """,
        subcommands: [Lint.self, Format.self, Import.self, Export.self])

    struct Location: ParsableArguments {
        @Option(help: "Directory of the .ndjson files (default: Dashboards/ beside Mappings/).")
        var dashboards: String?
        @Option(help: "Mappings directory the fields are checked against (default: as for setup).")
        var mappings: String?

        func dashboardsDirectory() throws -> String { try dashboards ?? DashboardsLocator.defaultDirectory() }
        func mappingsDirectory() throws -> String { try mappings ?? MappingsLocator.defaultDirectory() }
    }

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offline checks: JSON, normal form, references, ids, field types against Mappings/.")
        @OptionGroup var location: Location

        func run() throws {
            let directory = try location.dashboardsDirectory()
            let linter = DashboardLinter(mappings: try MappingSet.load(from: try location.mappingsDirectory()))
            let problems = try linter.lint(directory: directory)
            for problem in problems { print(problem) }
            guard problems.isEmpty else { throw ValidationFailure("dashboards lint: \(problems.count) problem(s)") }
            print("dashboards lint: \(try SavedObjectFile.files(in: directory).count) files OK")
        }
    }

    struct Format: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rewrite every file in its normal form.")
        @OptionGroup var location: Location

        func run() throws {
            for file in try SavedObjectFile.files(in: try location.dashboardsDirectory()) {
                let normal = try SavedObjectFile.normalText(try SavedObjectFile.read(file))
                if (try? String(contentsOfFile: file, encoding: .utf8)) != normal {
                    try normal.write(toFile: file, atomically: true, encoding: .utf8)
                    print("formatted \(file)")
                }
            }
        }
    }

    struct Connection: ParsableArguments {
        @Option(help: "OpenSearch Dashboards / Kibana base URL (default: $DASHBOARDS_URL).")
        var url: String?
        @Option(help: "User for basic authentication (default: $DASHBOARDS_USERNAME).")
        var username: String?
        @Option(help: "File holding the password (default: $DASHBOARDS_PASSWORD).")
        var passwordFile: String?
        @Option(help: "CA certificate file for https.")
        var caFile: String?
        @Flag(help: "Allow sending the password over plain http.")
        var allowInsecureCredentials = false

        func client() throws -> DashboardsClient {
            let environment = ProcessInfo.processInfo.environment
            guard let base = url ?? environment["DASHBOARDS_URL"], !base.isEmpty else {
                throw ValidationFailure("no Dashboards URL: pass --url or set DASHBOARDS_URL")
            }
            var settings = OutputSettings()
            settings.hosts = [base.hasSuffix("/") ? String(base.dropLast()) : base]
            settings.tls.caFile = caFile
            settings.allowInsecureCredentials = allowInsecureCredentials
            if let user = username ?? environment["DASHBOARDS_USERNAME"] {
                let password: String
                if let passwordFile {
                    guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                        throw ValidationFailure("--password-file \(passwordFile): cannot be read")
                    }
                    password = text.trimmingCharacters(in: .newlines)
                } else if let fromEnvironment = environment["DASHBOARDS_PASSWORD"] {
                    password = fromEnvironment
                } else {
                    throw ValidationFailure("--username given without --password-file or DASHBOARDS_PASSWORD")
                }
                settings.auth = .basic(username: user, password: Secret(password))
            }
            return DashboardsClient(settings: settings)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import every file (or the given ones) through the saved-objects API, overwriting.")
        @OptionGroup var location: Location
        @OptionGroup var connection: Connection
        @Argument(help: "Files to import (default: every .ndjson file of the directory).")
        var files: [String] = []

        func run() throws {
            let client = try connection.client()
            let files = try files.isEmpty ? SavedObjectFile.files(in: try location.dashboardsDirectory()) : files
            for file in files {
                do {
                    let result = try client.importFile(file)
                    print("imported \(file): \(result.successCount) objects")
                } catch {
                    throw ValidationFailure("\(error)")
                }
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the objects of every file from Dashboards and write them back in normal form.",
            discussion: "Edit a dashboard in the UI, then export: the file's objects (by id) are replaced by the UI's.")
        @OptionGroup var location: Location
        @OptionGroup var connection: Connection

        func run() throws {
            let client = try connection.client()
            for file in try SavedObjectFile.files(in: try location.dashboardsDirectory()) {
                do {
                    let exported = try client.export(try SavedObjectFile.read(file))
                    try SavedObjectFile.normalText(exported).write(toFile: file, atomically: true, encoding: .utf8)
                    print("exported \(file): \(exported.count) objects")
                } catch {
                    throw ValidationFailure("\(file): \(error)")
                }
            }
        }
    }
}
