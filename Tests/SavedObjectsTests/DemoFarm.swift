import Bulk
import Config
import ECS
import Foundation
import Logging
import Setup
import TestSupport
@testable import InfoLoggerInput

/// A live engine holding what the dashboards show: osmem-server, `Mappings/` installed by the Setup module,
/// a sample farm journal shipped by the real `logbridge ship --once` (which also writes its own health sample,
/// stamped with the wall clock), InfoLogger records encoded by the real InfoLogger encoder, and alarm,
/// dead-letter and health documents of the demo day indexed with `_bulk` (the templates' strict mappings refuse
/// any other shape).
final class DemoFarm: @unchecked Sendable {
    let osmem: OsmemServer
    let directory: String
    /// The sample journal starts at 2026-11-29T00:00:00Z (`SampleJournal.defaultStart`), the same as the others.
    static let day = "2026.11.29"
    static let range = PanelSearchRange.demo

    /// Journal entries shipped by `ship --once`.
    let entries: Int

    init(entries: Int = 600) throws {
        self.entries = entries
        osmem = try OsmemServer()
        directory = try temporaryDirectory("lb-dash-farm")
        var settings = OutputSettings()
        settings.hosts = [osmem.url]
        settings.compression = .none
        let runner = SetupRunner(mappings: try RepoPaths.mappingSet(), transport: ClusterClient(settings: settings).setupTransport,
                                 detectTarget: { SetupTarget(flavor: .opensearch, version: "3.8.0") },
                                 logger: Logger(label: "test"))
        _ = try runner.run(dryRun: false)
        try shipSampleJournal(entries: entries)
        try bulk(Self.otherDatasets)
        try osmem.refresh()
    }

    deinit {
        osmem.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func run(_ executable: String, _ arguments: [String]) throws -> String {
        let ran = try runCommand(executable, arguments)
        guard ran.status == 0 else { throw TestError("\(executable) \(arguments) failed: \(ran.output)") }
        return ran.output
    }

    private func shipSampleJournal(entries: Int) throws {
        let binary = try TestPaths.logbridgeBinary()
        let journal = directory + "/journal"
        try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: true)
        _ = try run(binary, ["demo", "generate", "--hosts", "4", "--entries", "\(entries)", "--seed", "7",
                             "--mean-gap-ms", "200", "--out", directory + "/farm.export"])
        _ = try run(JournalFixture.journalRemote, ["--split-mode=none", "-o", journal + "/farm.journal", directory + "/farm.export"])
        let config = directory + "/logbridge.yaml"
        try """
            state_dir: \(directory)/state
            logging: {level: warning}
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 500, max_bytes: 1MiB, flush_interval: 200ms}
            inputs:
              - type: journald
                id: farm
                directory: \(journal)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let output = try run(binary, ["ship", "--once", "--config", config])
        guard output.contains("indexed=\(entries)") else { throw TestError("ship did not index every entry: \(output)") }
    }

    /// `_bulk` with `create` actions; throws when any item fails, naming it.
    func bulk(_ documents: [(index: String, source: String)]) throws {
        let body = documents.map { #"{"create":{"_index":"\#($0.index)"}}"# + "\n" + $0.source + "\n" }.joined()
        let response = try osmem.request("POST", "/_bulk", body: body)
        let items = ((response.json as? [String: Any])?["items"] as? [[String: Any]]) ?? []
        let failed = items.compactMap { ($0["create"] as? [String: Any])?["error"] }
        guard response.status == 200, items.count == documents.count, failed.isEmpty else {
            throw TestError("_bulk: HTTP \(response.status), \(failed)")
        }
    }

    /// InfoLogger hosts are `epn…`, apart from the journal's `flp…`, so a panel that finds them found InfoLogger.
    static let infoLoggerHosts = ["epn001", "epn002", "epn003", "epn004"]

    /// 40 protocol-1.4 records (severities I, I, W, E, F in turn) from 2026-11-29T00:01:00Z, as infoLoggerD sends
    /// them, turned into documents by the encoder the InfoLogger input uses.
    static func infoLoggerDocuments() -> [(index: String, source: String)] {
        var encoder = InfoLoggerDocumentEncoder(dataset: "infologger", indexPattern: "logs-{dataset}-{yyyy.MM.dd}",
                                                agent: AgentInfo(name: "demo", id: "demo"))
        let detectors = ["TPC", "ITS", "MFT", "TOF"], severities = ["I", "I", "W", "E", "F"]
        return (0..<40).map { i in
            let record = "*1.4#\(severities[i % 5])#\(1 + i % 20)#\(1_795_910_460 + i).000000#\(infoLoggerHosts[i % 4])#flp-readout#"
                + "\(4000 + i)#flp#\(i % 2 == 0 ? "DAQ" : "QC")#readout#\(detectors[i % 4])#2Xy8#\(550_000 + i % 3)##\(100 + i)#"
                + "ReadoutEquipment.cxx#readout: page \(i) dropped"
            var item: [UInt8] = []
            Array(record.utf8).withUnsafeBufferPointer { encoder.encode($0, arrivalMicros: 1_795_910_460_000_000, into: &item) }
            let lines = item.split(separator: 0x0A)
            let action = (try? JSONSerialization.jsonObject(with: Data(lines[0]))) as? [String: [String: String]]
            return (action?["create"]?["_index"] ?? "", String(decoding: lines[1], as: UTF8.self))
        }
    }

    static let otherDatasets: [(index: String, source: String)] = {
        var docs: [(String, String)] = infoLoggerDocuments()
        let states = ["raised", "renotified", "cleared"]
        for i in 0..<9 {
            docs.append(("logbridge-alarms-\(day)", """
                {"@timestamp":"2026-11-29T00:02:0\(i).000000Z","event":{"kind":"alert","dataset":"logbridge.alarms"},\
                "alarm":{"rule":"\(i < 6 ? "sshd-auth-failures" : "readout-errors")","key":"flp00\(1 + i % 2)","state":"\(states[i % 3])",\
                "severity":"warning","count":\(i + 1),"value":\(Double(i) + 0.5),\
                "first_seen":"2026-11-29T00:00:00.000000Z","last_seen":"2026-11-29T00:02:0\(i).000000Z"},\
                "host":{"name":"flp00\(1 + i % 2)"},"message":"alarm \(states[i % 3])"}
                """))
        }
        for i in 0..<3 {
            docs.append(("logbridge-dlq-\(day)", """
                {"@timestamp":"2026-11-29T00:03:0\(i).000000Z","event":{"kind":"pipeline_error","original":"{\\"process\\":{\\"pid\\":\\"x\\"}}"},\
                "error":{"type":"mapper_parsing_exception","message":"failed to parse field [process.pid] of type [long]"},\
                "logbridge":{"index":"logs-system.journal-\(day)","id":"id-\(i)","input":"farm"}}
                """))
        }
        docs.append(("logbridge-alarms-state", #"{"rule":"sshd-auth-failures","key":"flp001","state":"raised","count":3}"#))
        return docs + healthDocuments.map { ("logbridge-health-2026.11", $0.source) }
    }()

    /// One health sample a minute per host from 00:01 to 00:10, as the shipper writes them for its input `farm`,
    /// 100 events a minute per host number: flp003's lag climbs to 274.5 s with batches pending, 2 dead letters
    /// and 3 retries; flp002 drops 12 events; flp001 has one malformed; the other lags are 0.6 … 0.9 s.
    static let healthDocuments: [(host: String, source: String)] = (1...4).flatMap { h in
        (0..<10).map { s -> (String, String) in
            let host = "flp00\(h)", stuck = h == 3
            let received = 100 * h, deadLettered = stuck && s == 4 ? 2 : 0
            let lag = stuck ? Double(s) * 30.5 : 0.5 + Double(h) / 10
            return (host, """
                {"@timestamp":"2026-11-29T00:\(s == 9 ? "10" : "0\(s + 1)"):00.000Z","host":{"name":"\(host)"},\
                "logbridge":{"input":"farm","input_type":"journald","health":{"interval_seconds":60.0,\
                "received":\(received),"indexed":\(received - deadLettered),"dead_lettered":\(deadLettered),\
                "dropped":\(h == 2 && s == 6 ? 12 : 0),"malformed":\(h == 1 && s == 2 ? 1 : 0),"retried":\(stuck && s == 4 ? 3 : 0),\
                "lag_seconds":\(lag),"pending_batches":\(stuck ? s / 2 : 0)}}}
                """)
        }
    }
}

enum PanelSearchRange {
    static let demo = (from: "2026-11-28T23:00:00Z", to: "2026-11-29T06:00:00Z")
}
