import Foundation
import Testing
import TestSupport

/// Log patterns through the real shipper: a journal, a syslog stream (util-linux `logger` over TCP) and a file
/// with patterns switched off → `logbridge ship` → osmem-server; then `log.pattern.id` on the documents, the
/// catalogue `logbridge-patterns-*`, the miner state, and `patterns list|show` reading the catalogue back.
@Suite(.serialized) struct PatternShippingTests {
    /// Three kinds of message; the parameters of the first two are all masked (numbers, addresses), so whichever
    /// message founds the pattern, its skeleton and id are the same on every input.
    static func accepted(_ i: Int) -> String { "Accepted publickey for root from 10.1.\(i % 7).\(i % 200) port \(40000 + i) ssh2" }
    static func dropped(_ i: Int) -> String { "readout: buffer \(i % 16) full, dropped \(i * 3) pages after \(i % 9) ms" }
    static func session(_ i: Int) -> String { "pam_unix(sshd:session): session opened for user \(["alice", "bob", "carol"][i % 3]) by (uid=0)" }

    @Test func everyDocumentCarriesItsPatternAndTheCatalogueDescribesIt() throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        let dir = try temporaryDirectory("lb-pat"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let kinds: [(Int) -> String] = [Self.accepted, Self.dropped, Self.session]
        let journalCount = 90
        let start = 1_795_912_000_000_000
        try fx.write((0..<journalCount).map { i in
            JournalFixture.entry([
                ("__REALTIME_TIMESTAMP", "\(start + i * 1000)"), ("__MONOTONIC_TIMESTAMP", "\(1_000_000 + i * 1000)"),
                ("_BOOT_ID", String(format: "%032x", 0xb007)), ("_MACHINE_ID", String(format: "%032x", 0xabc)),
                ("_HOSTNAME", "flp001"), ("PRIORITY", "6"), ("SYSLOG_IDENTIFIER", "sshd"), ("_TRANSPORT", "journal"),
                ("MESSAGE", kinds[i % 3](i)),
            ])
        }, name: "farm")
        let fileLines = 20
        try (0..<fileLines).map { "Nov 29 00:00:\(String(format: "%02d", $0)) flp042 app[7]: file line \($0)\n" }.joined()
            .write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
        let tcpPort = freePort()
        let metricsPort = freePort()
        let config = dir + "/logbridge.yaml"
        try """
            state_dir: \(dir)/state
            logging: {level: info}
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 100, max_bytes: 1MiB, flush_interval: 100ms}
              retry: {initial_backoff: 100ms, max_backoff: 1s}
            patterns:
              catalogue_interval: 1s
            metrics: {listen: "127.0.0.1:\(metricsPort)"}
            inputs:
              - type: journald
                id: farm
                directory: \(fx.directory)
              - type: syslog
                id: relay
                listen: ["tcp://127.0.0.1:\(tcpPort)"]
                timezone: UTC
              - type: file
                id: app
                paths: ["\(dir)/*.log"]
                format: rfc3164
                timezone: UTC
                patterns: false
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let binary = try TestPaths.logbridgeBinary()
        let setup = try runCommand(binary, ["setup", "--config", config, "--mappings", TestPaths.packageRoot + "/Mappings"])
        #expect(setup.status == 0, "\(setup.output)")

        let ship = try startCommand(binary, ["ship", "--config", config])
        defer { if ship.isRunning { kill(ship.processIdentifier, SIGKILL) } }
        #expect(eventually(20) { tcpConnectable(tcpPort) })
        let syslogCount = 30
        for i in 0..<syslogCount {
            let sent = try runCommand("/usr/bin/logger", ["-n", "127.0.0.1", "-T", "-P", "\(tcpPort)", "--rfc5424", "--octet-count",
                                                         "-t", "sshd", kinds[i % 3](i + 1000)])
            #expect(sent.status == 0)
        }
        let total = journalCount + syslogCount + fileLines
        #expect(eventually(60) {
            ((try? osmem.count("logs-system.journal-*")) ?? 0) + ((try? osmem.count("logs-system.syslog-*")) ?? 0)
                + ((try? osmem.count("logs-system.file-*")) ?? 0) >= total
        })
        // The catalogue is written every second; wait for the syslog input's last counts to land.
        #expect(eventually(30) { ((try? osmem.documents("logbridge-patterns-*")) ?? []).filter { doc in
            (doc.source["logbridge"] as? [String: Any])?["input"] as? String == "relay"
        }.reduce(0) { $0 + (pattern($1.source)?["count"] as? Int ?? 0) } == syslogCount })
        // The miner's and the catalogue's numbers are on /metrics with the input's labels; none for the file input.
        let metrics = try runCommand("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(metricsPort)/metrics"]).stdout
        #expect(metrics.contains("logbridge_patterns_messages_total{input=\"farm\",type=\"journald\"} \(journalCount)"), "\(metrics)")
        #expect(metrics.contains("logbridge_patterns_messages_total{input=\"relay\",type=\"syslog\"} \(syslogCount)"))
        #expect(metrics.contains("logbridge_patterns{input=\"farm\",type=\"journald\"} 3"))
        #expect(metrics.contains("logbridge_patterns_catalogue_written_total{input=\"farm\",type=\"journald\"} "))
        #expect(metrics.contains("logbridge_patterns_catalogue_failures_total{input=\"relay\",type=\"syslog\"} 0"))
        #expect(!metrics.contains("logbridge_patterns_messages_total{input=\"app\""))
        kill(ship.processIdentifier, SIGTERM)
        #expect(eventually(30) { !ship.isRunning })

        // Documents: every journal and syslog document has an id; one id per kind; the same kind has the same id
        // on both inputs; the file input (patterns: false) has none.
        let journal = try osmem.documents("logs-system.journal-*")
        let syslog = try osmem.documents("logs-system.syslog-*")
        let file = try osmem.documents("logs-system.file-*")
        #expect(journal.count == journalCount && syslog.count == syslogCount && file.count == fileLines)
        func idsByKind(_ docs: [(id: String, source: [String: Any])]) -> [String: Set<String>] {
            var out: [String: Set<String>] = [:]
            for d in docs {
                let m = d.source["message"] as? String ?? ""
                let kind = m.hasPrefix("Accepted") ? "accepted" : m.hasPrefix("readout") ? "dropped" : "session"
                out[kind, default: []].insert(pattern(d.source)?["id"] as? String ?? "missing")
            }
            return out
        }
        let fromJournal = idsByKind(journal), fromSyslog = idsByKind(syslog)
        #expect(fromJournal.count == 3 && fromJournal.values.allSatisfy { $0.count == 1 }, "\(fromJournal)")
        #expect(fromSyslog.values.allSatisfy { $0.count == 1 }, "\(fromSyslog)")
        let ids = fromJournal.values.flatMap { $0 }
        #expect(Set(ids).count == 3)
        #expect(ids.allSatisfy { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
        #expect(fromSyslog["accepted"] == fromJournal["accepted"])
        #expect(fromSyslog["dropped"] == fromJournal["dropped"])
        #expect(file.allSatisfy { pattern($0.source) == nil })

        // Catalogue: one document per (pattern, input) here (one host), counts equal the messages, templates masked.
        let catalogue = try osmem.documents("logbridge-patterns-*")
        let farm = catalogue.filter { ($0.source["logbridge"] as? [String: Any])?["input"] as? String == "farm" }
        #expect(farm.count == 3)
        #expect(farm.reduce(0) { $0 + (pattern($1.source)?["count"] as? Int ?? 0) } == journalCount)
        let acceptedID = try #require(fromJournal["accepted"]?.first)
        let acceptedDoc = try #require(farm.first { pattern($0.source)?["id"] as? String == acceptedID })
        let p = try #require(pattern(acceptedDoc.source))
        #expect(p["template"] as? String == "Accepted publickey for root from <*> port <*> <*>")
        #expect((p["example"] as? String)?.hasPrefix("Accepted publickey for root from 10.1.") == true)
        #expect(p["count"] as? Int == journalCount / 3)
        #expect(p["first_seen"] as? String == "2026-11-29T00:26:40.000000Z")
        #expect((p["last_seen"] as? String ?? "") > (p["first_seen"] as? String ?? ""))
        #expect(((acceptedDoc.source["data_stream"] as? [String: Any])?["dataset"]) as? String == "system.journal")
        #expect(catalogue.allSatisfy { ($0.source["logbridge"] as? [String: Any])?["input"] as? String != "app" })
        #expect(FileManager.default.fileExists(atPath: dir + "/state/patterns/farm.patterns"))
        #expect(FileManager.default.fileExists(atPath: dir + "/state/patterns/relay.patterns"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/state/patterns/app.patterns"))

        // The CLI reads the same catalogue back, merged over inputs.
        let list = try runCommand(binary, ["patterns", "list", "--config", config, "--since", "3650d", "--json"])
        #expect(list.status == 0, "\(list.output)")
        let rows = list.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let acceptedRow = try #require(rows.first { $0["pattern_id"] as? String == acceptedID })
        #expect(acceptedRow["count"] as? Int == journalCount / 3 + syslogCount / 3)
        #expect(rows.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == journalCount + syslogCount)
        let show = try runCommand(binary, ["patterns", "show", acceptedID, "--config", config])
        #expect(show.status == 0, "\(show.output)")
        #expect(show.stdout.contains("Accepted publickey for root from <*> port <*> <*>"))
        #expect(show.stdout.contains("latest messages:"))
        let unknown = try runCommand(binary, ["patterns", "show", "00000000000000ff", "--config", config])
        #expect(unknown.status != 0 && unknown.output.contains("not in logbridge-patterns-*"))

        // A restart continues from the saved state: shipping the same journal again (checkpoint lost) creates no
        // pattern, and the counts in the catalogue only grow.
        try FileManager.default.removeItem(atPath: dir + "/state/checkpoints/farm")
        let again = try runCommand(binary, ["ship", "--once", "--config", config])
        #expect(again.status == 0, "\(again.output)")
        let after = try osmem.documents("logbridge-patterns-*").filter {
            ($0.source["logbridge"] as? [String: Any])?["input"] as? String == "farm"
        }
        #expect(Set(after.compactMap { pattern($0.source)?["id"] as? String }) == Set(ids))
        #expect(after.reduce(0) { $0 + (pattern($1.source)?["count"] as? Int ?? 0) } == 2 * journalCount)
    }
}

private func pattern(_ source: [String: Any]) -> [String: Any]? {
    (source["log"] as? [String: Any])?["pattern"] as? [String: Any]
}
