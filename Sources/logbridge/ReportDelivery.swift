import ArgumentParser
import Bulk
import Config
import Foundation
import Reports

/// `logbridge report`: `write` (the default: `logbridge report --last 8h` writes a report), `list` and `show`.
/// A group rather than subcommands of `write`, because a parent's options are parsed wherever they appear on the
/// line, so `report list --last 7d` would hand `--last` to the report being written.
struct ReportGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a report of a period (the default), or list and show the stored ones.",
        discussion: "`logbridge report --last 8h …` is `logbridge report write --last 8h …`; its options: `logbridge report write --help`.",
        subcommands: [ReportCommand.self, ReportListCommand.self, ReportShowCommand.self],
        defaultSubcommand: ReportCommand.self)
}

/// What `logbridge report` does with a report besides writing files: store it in `logbridge-reports`
/// (unless `--no-store`) and POST it to `reports.webhook` (`--post`). Either failing is reported on stderr
/// and makes the command exit 1 after everything else was done; the files are written first in any case.
extension ReportCommand {
    var kind: ReportStore.Kind {
        if shift { return .shift }
        if runNumber != nil { return .run }
        if last != nil { return .last }
        return .fromTo
    }

    /// `--post` needs a webhook in the configuration: said before the cluster is asked anything.
    func checkDelivery(_ settings: ReportSettings) throws {
        if post && settings.webhook == nil {
            throw ValidationFailure("--post: the configuration has no reports.webhook (url and format; docs/reports.md)")
        }
    }

    /// Stores and posts; false when either failed (each failure already printed).
    func deliver(_ report: Report, client: ClusterClient, settings: ReportSettings, files: [String]) -> Bool {
        var ok = true
        var pointers = files.map { "\($0) on \(ProcessInfo.processInfo.hostName)" }
        if !noStore {
            do {
                let id = try ReportStore(client: client).store(report, kind: kind, run: runNumber)
                print("stored \(ReportStore.index)/\(id)")
                pointers.insert("`logbridge report show \(id) --format html`", at: 0)
            } catch {
                FileHandle.standardError.write(Data("report: not stored in \(ReportStore.index): \(error)\n".utf8))
                ok = false
            }
        }
        if post, let webhook = settings.webhook {
            do {
                let status = try ReportWebhook.post(report, settings: webhook, pointers: pointers)
                print("posted to the \(webhook.format.rawValue) webhook (HTTP \(status))")
            } catch {
                FileHandle.standardError.write(Data("report: not posted: \(error)\n".utf8))
                ok = false
            }
        }
        return ok
    }
}

/// `logbridge report list`: the stored reports, newest period first.
struct ReportListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the reports stored in the logbridge-reports index, newest period first.",
        discussion: """
            Columns: the period, how it was given (shift, run, last, from-to), when the report was generated, \
            its errors and criticals, alarms raised, new message patterns, and the id for `report show`. \
            A figure the report could not read is shown as "?".
            """)

    @Option(name: .shortAndLong, help: "Configuration file (YAML); its `output` section names the cluster.")
    var config: String = "/etc/logbridge/logbridge.yaml"
    @Option(name: .customLong("last"), help: "Only reports whose period ended within this span (e.g. 7d, 24h).")
    var within: String?
    @Option(help: "At most this many reports.") var limit: Int = 20

    func validate() throws {
        if limit < 1 || limit > 10_000 { throw ValidationError("--limit must be between 1 and 10000") }
        if let within, ReportTime.span(within) == nil { throw ValidationError("--last: expected e.g. 24h or 7d, got \(within)") }
    }

    func run() throws {
        let cfg = try loadConfig(config, purpose: .clusterOnly)
        let since = within.flatMap(ReportTime.span).map { Date().timeIntervalSince1970 - $0 }
        let entries: [ReportStore.Entry]
        do { entries = try ReportStore(client: ClusterClient(settings: cfg.output)).list(since: since, limit: limit) } catch {
            throw ValidationFailure("report list: \(error)")
        }
        if entries.isEmpty {
            print("no report stored\(within.map { " with a period ending in the last \($0)" } ?? "") (\(ReportStore.index))")
            return
        }
        print(Self.table(entries), terminator: "")
    }

    /// Plain columns, widths from the content; times to the minute (`2026-12-01 08:00`).
    static func table(_ entries: [ReportStore.Entry]) -> String {
        func minute(_ t: String) -> String { t.count >= 16 ? String(t.prefix(16)).replacingOccurrences(of: "T", with: " ") : t }
        func figure(_ n: Int?) -> String { n.map(String.init) ?? "?" }
        let rows = [["period", "kind", "generated", "errors", "alarms", "new patterns", "id"]] + entries.map { e in
            ["\(minute(e.from)) → \(minute(e.to))", e.kind, minute(e.generatedAt), figure(e.errors), figure(e.alarmsRaised),
             figure(e.newPatterns), e.id]
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return (3...5).contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
    }
}

/// `logbridge report show ID`: a stored report rendered again.
struct ReportShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Render a report stored in the logbridge-reports index again (ids: `logbridge report list`).")

    @Option(name: .shortAndLong, help: "Configuration file (YAML); its `output` section names the cluster.")
    var config: String = "/etc/logbridge/logbridge.yaml"
    @Argument(help: "The report's id, e.g. shift_20261201T080000000Z_20261201T160000000Z or run_551234.") var id: String
    @Option(help: "md, html or json.") var format: String = "md"
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func validate() throws {
        guard ["md", "markdown", "html", "json"].contains(format.lowercased()) else {
            throw ValidationError("--format: expected md, html or json, got \(format)")
        }
    }

    func run() throws {
        let cfg = try loadConfig(config, purpose: .clusterOnly)
        let report: Report
        do { report = try ReportStore(client: ClusterClient(settings: cfg.output)).fetch(id) } catch {
            throw ValidationFailure("report show: \(error)")
        }
        let text: String
        switch format.lowercased() {
        case "json": text = try ReportJSON.render(report)
        case "html": text = ReportHTML.render(report)
        default: text = ReportMarkdown.render(report)
        }
        guard let out else { print(text, terminator: ""); return }
        do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
            throw ValidationFailure("cannot write \(out): \(error.localizedDescription)")
        }
        print("wrote \(out)")
    }
}
