import ArgumentParser
import Bulk
import Config
import Demo
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Sample data and the report used by `make demo` and `make bench`.",
        subcommands: [Generate.self, Report.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a sample ALICE O² farm journal in journal export format.",
            discussion: """
                Feed the output to systemd-journal-remote to get real journal files, e.g.
                  logbridge demo generate --hosts 8 --entries 4000 --out farm.export
                  /lib/systemd/systemd-journal-remote --split-mode=none -o journal/farm.journal farm.export
                The same arguments always produce the same bytes.
                """)

        @Option(help: "Number of FLP hosts (flp001…).") var hosts = 8
        @Option(help: "Number of EPN hosts (epn001…).") var epnHosts = 0
        @Option(help: "Number of journal entries.") var entries = 4000
        @Option(help: "Random seed.") var seed: UInt64 = 42
        @Option(help: "Mean gap between entries, in milliseconds.") var meanGapMs: Double = 50
        @Flag(help: "Let the entries end now (instead of starting 2026-11-29T00:00:00Z), so dashboards show them.")
        var recent = false
        @Flag(help: ArgumentHelp("Inject one incident per shipped alarm rule over a quiet background, and print them as `incident RULE KEY` lines.",
                                 discussion: "Needs at least 7 FLP hosts; the last one goes silent."))
        var incidents = false
        @Option(help: "Output file.") var out: String

        func validate() throws {
            guard hosts >= 0, epnHosts >= 0, hosts + epnHosts > 0 else { throw ValidationError("need at least one host") }
            guard entries >= 0 else { throw ValidationError("--entries must be ≥ 0") }
            guard !incidents || hosts >= FarmIncident.hostsNeeded else {
                throw ValidationError("--incidents needs at least \(FarmIncident.hostsNeeded) hosts")
            }
        }

        func run() throws {
            let gap = meanGapMs * 1000
            var start = SampleJournal.defaultStart
            if recent {
                let now = UInt64(Date().timeIntervalSince1970 * 1_000_000)
                start = now - UInt64(Double(entries) * gap)
            }
            let journal = SampleJournal(hosts: hosts, epnHosts: epnHosts, entries: entries, seed: seed,
                                        start: start, meanGapMicros: gap, incidents: incidents)
            try journal.write(to: out)
            for incident in journal.injectedIncidents { print("incident \(incident.rule) \(incident.key)") }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Query the cluster of a configuration and print documents per host and level, and the latest errors.")
        @Option(name: .shortAndLong, help: "Configuration file (YAML).") var config: String
        func run() throws {
            let cfg = try loadConfig(config)
            print(try demoReport(cfg))
        }
    }
}

/// The report `make demo` prints, asked of the configuration's cluster through the same client the shipper uses.
func demoReport(_ cfg: LogBridgeConfig) throws -> String {
    let client = try ClusterClient(settings: cfg.output)
    _ = try? client.request("POST", "/_refresh")
    let report = DemoReport(send: { method, path, body in
        let r = try client.request(method, path, body: body)
        return (r.status, r.body)
    })
    return try report.render()
}
