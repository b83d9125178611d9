import Foundation

/// What every part of the loader needs to know about where the YAML came from.
/// `package`: alarm rule files (module Alarms) are read with the same file/line-aware values.
package struct ConfigSource: Sendable {
    /// The file as named to the loader, used verbatim in messages.
    package let file: String
    /// Absolute directory of the file; relative paths in the configuration are resolved against it.
    let directory: String
    let environment: [String: String]

    package init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        directory = URL(fileURLWithPath: absolute).deletingLastPathComponent().standardizedFileURL.path
    }

    /// Paths in a service's config must not depend on the working directory the service happens to start in.
    func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: directory, isDirectory: true))
            .standardizedFileURL.path
    }
}
