import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The shipped rules on the demo farm with its injected incidents: sample journal → systemd-journal-remote →
/// `logbridge ship --once` → osmem → `logbridge alarms run --once`, all through the real binary; the alarms
/// raised are exactly the incidents.
@Suite struct ShippedRulesTests {

    @Test func shippedRulesFireOnTheDemoFarm() throws {
        let bin = try TestPaths.logbridgeBinary()
        let osmem = try OsmemServer()
        defer { osmem.stop() }
        let dir = try temporaryDirectory("lb-alarms-demo")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/journal", withIntermediateDirectories: true)
        let generated = try runProcess(bin, ["demo", "generate", "--hosts", "8", "--entries", "3000", "--seed", "7", "--recent", "--incidents",
                                             "--out", dir + "/farm.export"])
        #expect(generated.status == 0)
        // `incident RULE KEY`: one per shipped rule that reads the journal (8: the two pattern rules' included).
        let expected = Set(generated.output.split(separator: "\n").filter { $0.hasPrefix("incident ") }.map { $0.dropFirst(9).replacingOccurrences(of: " ", with: " key=") })
        #expect(expected.count == 8, "\(generated.output)")
        #expect(try runProcess(JournalFixture.journalRemote, ["--split-mode=none", "-o", dir + "/journal/farm.journal", dir + "/farm.export"]).status == 0)
        try """
            state_dir: \(dir)/state
            logging: {level: error}
            output: {hosts: ["\(osmem.url)"], compression: none}
            inputs: [{type: journald, id: farm, directory: \(dir)/journal}]
            """.write(toFile: dir + "/logbridge.yaml", atomically: true, encoding: .utf8)
        #expect(try runProcess(bin, ["setup", "--config", dir + "/logbridge.yaml", "--mappings", TestPaths.packageRoot + "/Mappings"]).status == 0)
        #expect(try runProcess(bin, ["ship", "--once", "--config", dir + "/logbridge.yaml"]).status == 0)
        // The pattern rules' incidents need the shipper's pattern mining (on by default): every shipped document
        // carries `log.pattern.id`.
        #expect(try osmem.documents("logs-*").allSatisfy { (($0.source["log"] as? [String: Any])?["pattern"] as? [String: Any])?["id"] != nil })
        // Rules as shipped, announcing to the alarm index only (no Telegraf here).
        let rulesDir = dir + "/rules"
        try FileManager.default.createDirectory(atPath: rulesDir, withIntermediateDirectories: true)
        let shipped = TestPaths.packageRoot + "/deploy/rules"
        for f in try FileManager.default.contentsOfDirectory(atPath: shipped) where f.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: shipped + "/" + f, encoding: .utf8).replacingOccurrences(of: "alert: [o2_monitoring]", with: "alert: [debug]")
            try text.write(toFile: rulesDir + "/" + f, atomically: true, encoding: .utf8)
        }
        let run = try runProcess(bin, ["alarms", "run", "--once", "--config", dir + "/logbridge.yaml", "--rules", rulesDir])
        #expect(run.status == 0, "\(run.output)")
        let raised = run.output.split(separator: "\n").filter { $0.contains("RAISED") }
        // Exactly the injected incidents: the quiet background raises nothing (the farm used to raise 30 alarms on 8 hosts).
        let raisedKeys = Set(raised.map { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            let ruleAndKey = words.drop { !$0.hasPrefix("[") }.dropFirst().prefix(2).joined(separator: " ")
            // A pattern-rate key ends with the id the shipper mined; the incident list writes `<pattern>`.
            return ruleAndKey.replacingOccurrences(of: #"/[0-9a-f]{16}$"#, with: "/<pattern>", options: .regularExpression)
        })
        #expect(raisedKeys == expected, "expected \(expected.sorted())\nraised \(raisedKeys.sorted())\n\(run.output)")
        // A second run right away has nothing due and raises nothing new.
        let again = try runProcess(bin, ["alarms", "run", "--once", "--config", dir + "/logbridge.yaml", "--rules", rulesDir])
        #expect(!again.output.contains("RAISED"), "\(again.output)")
        let history = try osmem.documents("logbridge-alarms-2*")
        #expect(history.count == raised.count)
        let listed = try runProcess(bin, ["alarms", "list", "--config", dir + "/logbridge.yaml"])
        #expect(listed.output.contains("active alarms: \(raised.count)"), "\(listed.output)")
        let explain = try runProcess(bin, ["rules", "test", rulesDir + "/host-silent.yaml", "--config", dir + "/logbridge.yaml",
                                           "--from", "now-3m", "--to", "now", "--explain"])
        // One query_key field: a `terms` aggregation (several fields would be `composite`), never a document download.
        #expect(explain.output.contains(#""terms":{"field":"host.name""#) && explain.output.contains(#""size":0"#), "\(explain.output)")
    }

    /// The demo's whole traffic, as `make demo` sends it (deploy/demo/live-traffic.sh, which demo.sh runs too):
    /// the farm journal, plus a tailed messages file, syslog over TCP and UDP and InfoLogger frames received live
    /// by `logbridge ship`. The alarms are exactly the journal's incidents and the InfoLogger one (Fatal messages
    /// from TOF): the other inputs' warnings, sshd connections, kernel and cron lines raise nothing.
    @Test func shippedRulesFireOnlyOnTheIncidentsOfEveryDemoInput() throws {
        let bin = try TestPaths.logbridgeBinary()
        let traffic = TestPaths.packageRoot + "/deploy/demo/live-traffic.sh"
        let osmem = try OsmemServer()
        defer { osmem.stop() }
        let dir = try temporaryDirectory("lb-alarms-demo-all")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["journal", "logs", "rules"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        let generated = try runProcess(bin, ["demo", "generate", "--hosts", "8", "--entries", "3000", "--seed", "7", "--recent", "--incidents",
                                             "--out", dir + "/farm.export"])
        let live = try runProcess(traffic, ["incidents"])
        let incidents = (generated.output + "\n" + live.output).split(separator: "\n").filter { $0.hasPrefix("incident ") }
        let expected = Set(incidents.map { $0.dropFirst(9).replacingOccurrences(of: " ", with: " key=") })
        #expect(expected.count == 9 && expected.contains("infologger-fatal key=TOF"), "\(expected)")
        #expect(try runProcess(JournalFixture.journalRemote, ["--split-mode=none", "-o", dir + "/journal/farm.journal", dir + "/farm.export"]).status == 0)
        #expect(try runProcess(traffic, ["file", dir + "/logs/messages.log", "8"]).status == 0)
        let syslogPort = freePort(), ilgPort = freePort()
        try """
            state_dir: \(dir)/state
            logging: {level: error}
            output: {hosts: ["\(osmem.url)"], compression: none, batch: {max_docs: 1000, max_bytes: 2MiB, flush_interval: 1s}}
            inputs:
              - {type: journald, id: farm, directory: \(dir)/journal}
              - {type: syslog, id: syslog, listen: ["tcp://127.0.0.1:\(syslogPort)", "udp://127.0.0.1:\(syslogPort)"]}
              - {type: file, id: files, paths: ["\(dir)/logs/*.log"], format: rfc3164}
              - {type: infologger, id: infologger, mode: server, listen: "127.0.0.1:\(ilgPort)"}
            """.write(toFile: dir + "/logbridge.yaml", atomically: true, encoding: .utf8)
        #expect(try runProcess(bin, ["setup", "--config", dir + "/logbridge.yaml", "--mappings", TestPaths.packageRoot + "/Mappings"]).status == 0)
        let ship = Process()
        ship.executableURL = URL(fileURLWithPath: bin)
        ship.arguments = ["ship", "--config", dir + "/logbridge.yaml"]
        ship.standardOutput = FileHandle.nullDevice
        ship.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try ship.run()
        defer { if ship.isRunning { ship.terminate(); ship.waitUntilExit() } }
        // The listeners are up once the InfoLogger port accepts a connection.
        try Daemon.waitFor("the shipper's listeners", timeout: 30) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = loopbackAddress(ilgPort)
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
        }
        let sent = try runProcess(traffic, ["send", String(syslogPort), String(ilgPort)])
        #expect(sent.status == 0, "\(sent.output)")
        // What the demo waits for: every input's documents in the engine (UDP on loopback loses none here).
        for (dataset, count) in [("system.journal", 3000), ("system.syslog", 150), ("system.file", 500), ("infologger", 200)] {
            try Daemon.waitFor("\(count) \(dataset) documents", timeout: 60) {
                try? osmem.refresh()
                return (try? osmem.count("logs-\(dataset)-*")) ?? 0 >= count
            }
        }
        ship.terminate()
        ship.waitUntilExit()
        let shipped = TestPaths.packageRoot + "/deploy/rules"
        for f in try FileManager.default.contentsOfDirectory(atPath: shipped) where f.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: shipped + "/" + f, encoding: .utf8).replacingOccurrences(of: "alert: [o2_monitoring]", with: "alert: [debug]")
            try text.write(toFile: dir + "/rules/" + f, atomically: true, encoding: .utf8)
        }
        let run = try runProcess(bin, ["alarms", "run", "--once", "--config", dir + "/logbridge.yaml", "--rules", dir + "/rules"])
        #expect(run.status == 0, "\(run.output)")
        let raised = Set(run.output.split(separator: "\n").filter { $0.contains("RAISED") }.map { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            let ruleAndKey = words.drop { !$0.hasPrefix("[") }.dropFirst().prefix(2).joined(separator: " ")
            return ruleAndKey.replacingOccurrences(of: #"/[0-9a-f]{16}$"#, with: "/<pattern>", options: .regularExpression)
        })
        #expect(raised == expected, "expected \(expected.sorted())\nraised \(raised.sorted())\n\(run.output)")
    }
}
