import Foundation
import Testing
import TestSupport

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
}
