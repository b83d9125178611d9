import Alarms
import ArgumentParser
import Bulk
import Config
import Foundation
import Setup

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check alarm rules and try them on historical data.",
        subcommands: [Lint.self, Test.self])

    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate every rule of a directory (or one file), including that the fields exist in Mappings/.",
            discussion: "Prints file:line: key: problem for each error and exits 1 when there is any.")
        @Argument(help: "Rules directory or one rule file (default: /etc/logbridge/rules if it exists, else the shipped /usr/share/logbridge/rules).")
        var path: String?
        @Option(help: "Directory holding the Mappings (default: next to the installation, or /usr/share/logbridge/Mappings).")
        var mappings: String?
        @Flag(help: "The rules are ElastAlert 2 rule files: say per file whether it loads as it is, and list every option to change.")
        var elastalert = false

        func run() throws {
            if elastalert {
                let reports = try ElastAlertCheck.check(directory: try locateRules(path))
                for r in reports {
                    if r.changes.isEmpty { print("\(r.file): loads as it is" + (r.disabled ? " (is_enabled: false: skipped)" : "")) }
                    else {
                        print("\(r.file): \(r.changes.count) change(s) needed")
                        for c in r.changes { print("  " + c) }
                    }
                }
                let failing = reports.filter { !$0.changes.isEmpty }.count
                print("\(reports.count - failing) of \(reports.count) rule file(s) load as they are")
                if failing > 0 { throw ExitCode(1) }
                return
            }
            var problems: [String] = []
            var rules: [Rule] = []
            do { rules = try RuleSet.load(directory: try locateRules(path)).rules } catch let e as RuleErrors {
                problems += e.errors.map(\.description)
            } catch { problems.append("\(error)") }
            let catalog = try FieldCatalog.load(mappingsDirectory: try locateMappings(mappings))
            for rule in rules { problems += RuleLint.check(rule, catalog: catalog).map(\.description) }
            for p in problems { print(p) }
            print(problems.isEmpty ? "\(rules.count) rule(s) OK" : "\(problems.count) problem(s)")
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a rule (or a directory of rules) over historical data and print what would have fired; nothing is sent or stored.",
            discussion: """
                Times are RFC 3339 (2026-11-29T00:00:00Z), a date, `now` or `now-2h`. The windows end on multiples of
                each rule's run_every (counting rules are answered from a few bucketed searches).
                """)
        @Argument(help: "Rule file, or a directory of rules replayed together.") var rule: String
        @Option(name: .shortAndLong, help: "Configuration file (YAML); its `output` section names the cluster.")
        var config: String = "/etc/logbridge/logbridge.yaml"
        @Option(help: "Start of the period.") var from: String
        @Option(help: "End of the period.") var to: String = "now"
        @Flag(help: "Print each search request (index and body) instead of running it.") var explain = false

        func run() throws {
            let rules: [Rule]
            do { rules = try RuleSet.load(directory: self.rule).rules } catch let e as RuleErrors { throw ValidationError(e.description) }
            guard !rules.isEmpty else { throw ValidationError("no enabled rule (is_enabled: false)") }
            guard let start = Timestamps.parse(from), let end = Timestamps.parse(to), end > start else {
                throw ValidationError("--from and --to must be times with --from before --to")
            }
            let cfg = try loadConfig(config, purpose: .clusterOnly)
            var options = AlarmJob.Options()
            options.dryRun = true
            let job = AlarmJob(rules: rules, client: ClusterClient(settings: cfg.output), options: options)
            if explain {
                for probe in job.explain(now: end, from: start) {
                    print("GET \(probe.index)/_search   # window ending \(Timestamps.format(probe.end))")
                    print(probe.body)
                }
                return
            }
            let report = try job.backtest(from: start, to: end)
            printEvents(report.events)
            printSummaries(report.rules.flatMap(\.summaries))
            for r in report.rules where r.error != nil { print("error: \(r.rule): \(r.error!)") }
            let raised = report.events.filter { $0.state == .raised }.count
            print("\(raised) raise(s), \(report.events.count - raised) clear(s) over \(report.rules.map(\.steps).reduce(0, +)) run(s) of \(rules.count) rule(s); "
                  + "\(report.queries) request(s) of \(report.searches) search(es), \(report.responseBytes) response bytes, \(report.tookMillis) ms searching in the cluster")
        }
    }
}

/// What aggregating rules' notification sinks received (or, in a replay, would have) instead of the events.
func printSummaries(_ summaries: [AlarmEvent]) {
    for e in summaries {
        print("\(Timestamps.format(e.time))  SUMMARY  [\(e.severity)] \(e.rule) key=\(e.key)  \(e.subject)")
    }
}

func printEvents(_ events: [AlarmEvent]) {
    for e in events {
        print("\(Timestamps.format(e.time))  \(e.state == .raised ? "RAISED " : "CLEARED")  [\(e.severity)] \(e.rule) key=\(e.key)  \(e.subject)")
    }
}

/// The rules `alarms run` and `rules lint` use when none are named: the operator's `/etc/logbridge/rules` (as the
/// alarms unit runs), else the set the package ships in `/usr/share/logbridge/rules` (deploy/rules).
let rulesDirectories = ["/etc/logbridge/rules", "/usr/share/logbridge/rules"]

func locateRules(_ explicit: String?) throws -> String {
    if let explicit { return explicit }
    var isDirectory: ObjCBool = false
    guard let found = rulesDirectories.first(where: { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue })
    else { throw ValidationError("no rules directory (tried \(rulesDirectories.joined(separator: ", "))); pass one") }
    return found
}

/// `--mappings`, else `Mappings/` beside the binary's package or the working directory, else the installed copy.
func locateMappings(_ explicit: String?) throws -> String {
    if let explicit { return explicit }
    let exe = URL(fileURLWithPath: MappingsLocator.executablePath).resolvingSymlinksInPath()
    var candidates = [FileManager.default.currentDirectoryPath + "/Mappings"]
    var dir = exe.deletingLastPathComponent()
    for _ in 0..<4 { candidates.append(dir.path + "/Mappings"); dir = dir.deletingLastPathComponent() }
    candidates.append("/usr/share/logbridge/Mappings")
    guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/components") }) else {
        throw ValidationError("Mappings directory not found; pass --mappings")
    }
    return found
}
