import Alarms
import ArgumentParser
import Bulk
import Config
import Foundation
import Logging

struct AlarmsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alarms",
        abstract: "Run detection rules on a schedule and raise/clear alarms; list and silence alarms.",
        subcommands: [Run.self, List.self, Silence.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the rules of a directory: each at its run_every, state kept in the cluster.",
            discussion: """
                Each rule's window ends query_delay before now and starts where its previous window ended,
                as stored in logbridge-alarms-state; after downtime, up to --max-catchup is caught up and the
                rest is reported as skipped. Several instances may run: a lease per rule makes each rule run once.
                """)
        @Option(name: .shortAndLong, help: "Configuration file (YAML); its `output` section names the cluster.")
        var config: String = "/etc/logbridge/logbridge.yaml"
        @Option(help: "Rules directory (default: /etc/logbridge/rules if it exists, else the shipped /usr/share/logbridge/rules).")
        var rules: String?
        @Flag(help: "Run the rules that are due once, print what was raised and cleared, and exit.") var once = false
        @Option(help: "Longest downtime caught up after a restart (e.g. 1h, 6h).") var maxCatchup: String = "1h"
        @Option(help: "Parallel search workers.") var workers: Int = 2
        @Option(help: "Evaluate as if the time were this (RFC 3339); for replaying a data set.") var now: String?

        func run() throws {
            let cfg = try loadConfig(config, purpose: .clusterOnly)
            let logger = makeLogger(cfg.logging)
            let ruleSet: RuleSet
            do { ruleSet = try RuleSet.load(directory: try locateRules(rules)) } catch { throw ValidationFailure("\(error)") }
            var options = AlarmJob.Options()
            guard let catchup = parseDurationSeconds(maxCatchup) else { throw ValidationError("--max-catchup: expected a duration like 1h") }
            options.maxCatchup = catchup
            options.workers = workers
            let fixedNow = try now.map { text -> Double in
                guard let t = Timestamps.parse(text) else { throw ValidationError("--now: expected an RFC 3339 time") }
                return t
            }
            let job = AlarmJob(rules: ruleSet.rules, client: ClusterClient(settings: cfg.output), options: options, logger: logger)
            if once {
                let started = Date()
                let report = try job.runCycle(now: fixedNow ?? Date().timeIntervalSince1970)
                printEvents(report.events)
                printSummaries(report.rules.flatMap(\.summaries))
                for r in report.rules {
                    if let e = r.error { print("error: \(r.rule): \(e)") }
                    if let s = r.skipped { print("skipped: \(r.rule): \(Timestamps.format(s.from)) – \(Timestamps.format(s.to)) (beyond --max-catchup)") }
                }
                for e in report.sinkErrors { print("sink error (kept for the next run): \(e)") }
                let ran = report.rules.filter { !$0.leasedElsewhere }.count
                // Interpolation rather than `String(format:)`, whose locale-aware formatter loads ICU (MBs of RSS).
                let centis = Int((Date().timeIntervalSince(started) * 100).rounded())
                let elapsed = "\(centis / 100).\(centis % 100 < 10 ? "0" : "")\(centis % 100)s"
                print("\(ran) rule(s) run, \(report.events.count) event(s), \(report.queries) request(s), \(report.responseBytes) response bytes, \(elapsed)")
                if report.rules.contains(where: { $0.error != nil }) { throw ExitCode(2) }
                return
            }
            let stop = StopFlag()
            _ = SignalWatcher(signals: [SIGTERM, SIGINT]) { _ in stop.set() }
            logger.notice("alarms running", metadata: ["rules": "\(ruleSet.rules.count)"])
            let tick = max(1, min(10, ruleSet.rules.map(\.runEvery).min() ?? 10))
            while !stop.isSet {
                do {
                    let report = try job.runCycle()
                    for e in report.events { logger.notice("alarm \(e.state.rawValue)", metadata: ["rule": "\(e.rule)", "key": "\(e.key)", "subject": "\(e.subject)"]) }
                } catch { logger.error("alarm cycle failed; retrying", metadata: ["error": "\(error)"]) }
                // Due-ness is decided from the stored progress, so a long cycle delays, never drops, a window.
                var waited = 0.0
                while waited < tick && !stop.isSet { Thread.sleep(forTimeInterval: 0.2); waited += 0.2 }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active alarms, silences and each rule's progress.")
        @Option(name: .shortAndLong, help: "Configuration file (YAML).") var config: String = "/etc/logbridge/logbridge.yaml"
        func run() throws {
            let cfg = try loadConfig(config, purpose: .clusterOnly)
            let state = try StateStore(client: ClusterClient(settings: cfg.output)).load()
            let now = Date().timeIntervalSince1970
            let alarms = state.active.values.flatMap(\.values).sorted { ($0.rule, $0.key) < ($1.rule, $1.key) }
            print("active alarms: \(alarms.count)")
            for a in alarms {
                let silenced = state.isSilenced(a.rule, a.key, at: now) ? "  (silenced)" : ""
                print("  [\(a.severity)] \(a.rule)  key=\(a.key)  since \(Timestamps.format(a.raisedAt))  \(a.reason)\(silenced)")
            }
            let silences = state.silences.filter { $0.until > now }
            if !silences.isEmpty { print("silences:") }
            for s in silences { print("  \(s.rule) key=\(s.key ?? "*") until \(Timestamps.format(s.until))") }
            print("rules: \(state.progress.count) with progress")
            for (rule, p) in state.progress.sorted(by: { $0.key < $1.key }) {
                print("  \(rule): windows done up to \(p.lastEnd.map(Timestamps.format) ?? "-")")
            }
        }
    }

    struct Silence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Silence a rule's alarms (all keys, or one with --key) for a while; they still go to the alarm index.")
        @Argument(help: "Rule name.") var rule: String
        @Option(help: "Only this key (e.g. a host name).") var key: String?
        @Option(name: .customLong("for"), help: "How long, e.g. 30m, 2h.") var duration: String
        @Option(name: .shortAndLong, help: "Configuration file (YAML).") var config: String = "/etc/logbridge/logbridge.yaml"
        func run() throws {
            guard let seconds = parseDurationSeconds(duration), seconds > 0 else { throw ValidationError("--for: expected a duration like 2h") }
            let cfg = try loadConfig(config, purpose: .clusterOnly)
            let until = Date().timeIntervalSince1970 + seconds
            try StateStore(client: ClusterClient(settings: cfg.output)).silence(rule: rule, key: key, until: until)
            print("silenced \(rule)\(key.map { " key=\($0)" } ?? "") until \(Timestamps.format(until))")
        }
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
