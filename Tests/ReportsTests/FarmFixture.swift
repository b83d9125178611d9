import Bulk
import Config
import Foundation
import Logging
import Reports
import Setup
import TestSupport

/// A small farm's documents, loaded into a real osmem-server the way the shipper writes them (mappings
/// installed by Setup, `_bulk` `create` into `logs-<dataset>-YYYY.MM.DD`), plus alarm events, catalogue
/// documents, dead letters and the shippers' health samples. The expected figures are computed from the same
/// lists by plain filtering, so the report's aggregation path is checked against an independent count.
struct LogDoc {
    var time: String
    var host: String
    var dataset: String
    var level: String
    var unit: String? = nil
    var process: String? = nil
    var app: String? = nil
    var pattern: String = "0000000000000000"
    var ilSeverity: String? = nil
    var ilDetector: String? = nil
    /// InfoLogger's run number, for `report --run`.
    var ilRun: Int? = nil

    var seconds: Double { ReportTime.parse(time)! }
    var isError: Bool { ["emerg", "alert", "crit", "err"].contains(level) }

    var json: String {
        var log: [String: Any] = ["level": level, "pattern": ["id": pattern]]
        if let app { log["syslog"] = ["appname": app] }
        var doc: [String: Any] = ["@timestamp": time, "host": ["name": host], "event": ["dataset": dataset], "log": log,
                                  "message": "\(host) \(level) message"]
        if let unit { doc["systemd"] = ["unit": unit] }
        if let process { doc["process"] = ["name": process] }
        if let ilSeverity {
            var il: [String: Any] = ["severity": ilSeverity, "detector": ilDetector ?? ""]
            if let ilRun { il["run"] = ilRun }
            doc["infologger"] = il
        }
        let data = try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    var index: String { "logs-\(dataset)-" + time.prefix(10).replacingOccurrences(of: "-", with: ".") }
}

enum Farm {
    /// The period [08:00, 16:00) on 2026-12-01; the previous one is [00:00, 08:00).
    static let from = "2026-12-01T08:00:00Z", to = "2026-12-01T16:00:00Z"
    static let readout = "aaaaaaaaaaaaaaa1", sshd = "bbbbbbbbbbbbbbb2", known = "ccccccccccccccc3", info = "ddddddddddddddd4"

    static func t(_ hhmm: String, day: Int = 1) -> String { "2026-12-0\(day)T\(hhmm):00Z" }

    static func repeated(_ n: Int, from start: Double, every step: Double, _ make: (String) -> LogDoc) -> [LogDoc] {
        (0..<n).map { make(ReportTime.format(start + Double($0) * step)) }
    }

    static var documents: [LogDoc] {
        let day = ReportTime.parse("2026-12-01T00:00:00Z")!
        var d: [LogDoc] = []
        // flp001: busy everywhere, and a readout error burst in the period.
        d += repeated(20, from: day + 1800, every: 1350) { LogDoc(time: $0, host: "flp001", dataset: "system.journal", level: "info", unit: "sshd.service", pattern: info) }
        d += repeated(40, from: day + 8 * 3600 + 60, every: 700) { LogDoc(time: $0, host: "flp001", dataset: "system.journal", level: "info", unit: "readout.service", pattern: info) }
        d += repeated(14, from: day + 9 * 3600, every: 120) { LogDoc(time: $0, host: "flp001", dataset: "system.journal", level: "err", unit: "readout.service", pattern: readout) }
        d += repeated(2, from: day + 15 * 3600, every: 60) { LogDoc(time: $0, host: "flp001", dataset: "system.journal", level: "crit", unit: "readout.service", pattern: readout) }
        d += repeated(3, from: day + 2 * 3600, every: 600) { LogDoc(time: $0, host: "flp001", dataset: "system.journal", level: "err", unit: "readout.service", pattern: readout) }
        // flp002: logged before, stops at 09:00: silent.
        d += repeated(10, from: day + 3600, every: 2400) { LogDoc(time: $0, host: "flp002", dataset: "system.journal", level: "info", unit: "chronyd.service", pattern: info) }
        d += repeated(5, from: day + 8 * 3600 + 300, every: 600) { LogDoc(time: $0, host: "flp002", dataset: "system.journal", level: "warning", unit: "chronyd.service", pattern: info) }
        // flp006: logs until 13:00, in the second half but not the last quarter: silent under the quarter rule.
        d += repeated(4, from: day + 2 * 3600, every: 1200) { LogDoc(time: $0, host: "flp006", dataset: "system.journal", level: "info", unit: "chronyd.service", pattern: info) }
        d += repeated(4, from: day + 12 * 3600, every: 1200) { LogDoc(time: $0, host: "flp006", dataset: "system.journal", level: "info", unit: "chronyd.service", pattern: info) }
        // flp003: nothing before, logs in the last quarter: came back.
        d += repeated(6, from: day + 14 * 3600 + 600, every: 900) { LogDoc(time: $0, host: "flp003", dataset: "system.journal", level: "notice", process: "kernel", pattern: info) }
        d.append(LogDoc(time: t("15:30"), host: "flp003", dataset: "system.journal", level: "err", process: "kernel", pattern: known))
        // flp004: steady in both periods.
        d += repeated(12, from: day + 600, every: 2400) { LogDoc(time: $0, host: "flp004", dataset: "system.journal", level: "info", unit: "sshd.service", pattern: info) }
        d += repeated(24, from: day + 8 * 3600 + 600, every: 1200) { LogDoc(time: $0, host: "flp004", dataset: "system.journal", level: "info", unit: "sshd.service", pattern: info) }
        // flp005: quiet and busy, so the farm's error rate is low enough for flp001's to stand out.
        d += repeated(100, from: day + 30, every: 280) { LogDoc(time: $0, host: "flp005", dataset: "system.journal", level: "info", unit: "sshd.service", pattern: info) }
        d += repeated(200, from: day + 8 * 3600 + 30, every: 140) { LogDoc(time: $0, host: "flp005", dataset: "system.journal", level: "info", unit: "sshd.service", pattern: info) }
        // epn010 over syslog: sshd criticals (no systemd.unit: the service is the process, then the appname).
        d += repeated(5, from: day + 4 * 3600, every: 2400) { LogDoc(time: $0, host: "epn010", dataset: "system.syslog", level: "info", app: "cron", pattern: info) }
        d += repeated(8, from: day + 10 * 3600, every: 3000) { LogDoc(time: $0, host: "epn010", dataset: "system.syslog", level: "info", app: "cron", pattern: info) }
        d += repeated(3, from: day + 11 * 3600, every: 60) { LogDoc(time: $0, host: "epn010", dataset: "system.syslog", level: "crit", process: "sshd", app: "sshd", pattern: sshd) }
        d += repeated(2, from: day + 12 * 3600, every: 60) { LogDoc(time: $0, host: "epn010", dataset: "system.syslog", level: "err", app: "sshd", pattern: sshd) }
        // InfoLogger from flp001's readout: severities E, F, I across two detectors.
        d += repeated(4, from: day + 9 * 3600 + 30, every: 300) { LogDoc(time: $0, host: "flp001", dataset: "infologger", level: "err", process: "o2-readout-exe", pattern: readout, ilSeverity: "E", ilDetector: "TPC", ilRun: 551234) }
        d += repeated(1, from: day + 9 * 3600 + 90, every: 300) { LogDoc(time: $0, host: "flp001", dataset: "infologger", level: "crit", process: "o2-readout-exe", pattern: readout, ilSeverity: "F", ilDetector: "TPC", ilRun: 551234) }
        d += repeated(6, from: day + 10 * 3600, every: 600) { LogDoc(time: $0, host: "flp001", dataset: "infologger", level: "info", process: "o2-readout-exe", pattern: info, ilSeverity: "I", ilDetector: "ITS") }
        d += repeated(2, from: day + 5 * 3600, every: 600) { LogDoc(time: $0, host: "flp001", dataset: "infologger", level: "err", process: "o2-readout-exe", pattern: readout, ilSeverity: "E", ilDetector: "TPC") }
        return d
    }

    /// Alarm history documents as `logbridge alarms` writes them (StateStore.historyDoc).
    static func alarm(_ at: String, rule: String, key: String, state: String, raised: String, notification: Int) -> String {
        let doc: [String: Any] = [
            "@timestamp": at, "event": ["kind": "alert", "action": state], "rule": ["name": rule],
            "alarm": ["rule": rule, "key": key, "state": state, "severity": "error", "value": 12.0, "subject": "\(rule) \(key)",
                      "text": "t", "raised_at": raised, "notification": notification, "silenced": false, "fields": ["host.name": key]],
            "host": ["name": key], "message": "\(rule) \(key)",
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]), as: UTF8.self)
    }

    static var alarms: [String] {
        [
            // flp001: raised 09:00, re-notified 09:30, cleared 10:15.
            alarm(t("09:00"), rule: "error-burst-per-host", key: "flp001", state: "raised", raised: t("09:00"), notification: 1),
            alarm(t("09:30"), rule: "error-burst-per-host", key: "flp001", state: "raised", raised: t("09:00"), notification: 2),
            alarm(t("10:15"), rule: "error-burst-per-host", key: "flp001", state: "cleared", raised: t("09:00"), notification: 2),
            // epn010: raised 15:00, still active at 16:00; cleared after the period, which the report must not see.
            alarm(t("15:00"), rule: "error-burst-per-host", key: "epn010", state: "raised", raised: t("15:00"), notification: 1),
            alarm(t("16:30"), rule: "error-burst-per-host", key: "epn010", state: "cleared", raised: t("15:00"), notification: 1),
            // flp002: raised the evening before, cleared in the period.
            alarm("2026-11-30T22:00:00Z", rule: "host-silent", key: "flp002", state: "raised", raised: "2026-11-30T22:00:00Z", notification: 1),
            alarm(t("08:30"), rule: "host-silent", key: "flp002", state: "cleared", raised: "2026-11-30T22:00:00Z", notification: 1),
            // An older episode, over before the period: not in the report.
            alarm("2026-11-30T10:00:00Z", rule: "host-silent", key: "flp009", state: "raised", raised: "2026-11-30T10:00:00Z", notification: 1),
            alarm("2026-11-30T11:00:00Z", rule: "host-silent", key: "flp009", state: "cleared", raised: "2026-11-30T10:00:00Z", notification: 1),
        ]
    }

    static func catalogueDoc(_ id: String, host: String, template: String, first: String, last: String) -> String {
        let doc: [String: Any] = [
            "@timestamp": last, "host": ["name": host], "data_stream": ["dataset": "system.journal"], "logbridge": ["input": "journal"],
            "log": ["pattern": ["id": id, "template": template, "template_hash": "0", "example": template, "first_seen": first,
                                "last_seen": last, "count": 5]],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]), as: UTF8.self)
    }

    static var catalogue: [String] {
        [
            catalogueDoc(readout, host: "flp001", template: "readout: error <*> on link <*>", first: "2026-11-20T10:00:00Z", last: t("15:01")),
            catalogueDoc(sshd, host: "epn010", template: "sshd: fatal <*>", first: t("11:00"), last: t("12:01")),
            catalogueDoc(sshd, host: "flp004", template: "sshd: fatal <*>", first: t("13:00"), last: t("13:00")),
            // New on flp003 today, but known on flp001 for a week: not new to the farm.
            catalogueDoc(known, host: "flp003", template: "kernel: oops <*>", first: t("15:30"), last: t("15:30")),
            catalogueDoc(known, host: "flp001", template: "kernel: oops <*>", first: "2026-11-24T10:00:00Z", last: "2026-11-24T10:00:00Z"),
            catalogueDoc(info, host: "flp001", template: "all is well <*>", first: "2026-11-01T00:00:00Z", last: t("15:00")),
        ]
    }

    static func deadLetter(_ at: String, input: String, type: String) -> String {
        #"{"@timestamp":"\#(at)","event":{"kind":"pipeline_error","original":"{}"},"error":{"type":"\#(type)","message":"m"},"logbridge":{"index":"logs-x","id":"1","input":"\#(input)"}}"#
    }

    static var deadLetters: [String] {
        [deadLetter(t("09:00"), input: "syslog-tcp", type: "mapper_parsing_exception"),
         deadLetter(t("12:00"), input: "syslog-tcp", type: "mapper_parsing_exception"),
         deadLetter(t("13:00"), input: "journal", type: "illegal_argument_exception"),
         deadLetter(t("03:00"), input: "journal", type: "mapper_parsing_exception")]
    }
}

/// One health sample as a shipper writes it every `health.interval` per input (`logbridge-health-YYYY.MM`).
struct HealthDoc {
    var time: String
    var host: String
    var input: String = "journal"
    var interval: Double = 600
    var received = 100, indexed = 100, deadLettered = 0, dropped = 0, malformed = 0
    var lag = 0.5

    var seconds: Double { ReportTime.parse(time)! }

    var json: String {
        let health: [String: Any] = ["interval_seconds": interval, "received": received, "indexed": indexed,
                                     "dead_lettered": deadLettered, "dropped": dropped, "malformed": malformed, "retried": 0,
                                     "lag_seconds": lag, "pending_batches": 0]
        let doc: [String: Any] = ["@timestamp": time, "host": ["name": host],
                                  "logbridge": ["input": input, "input_type": input == "journal" ? "journald" : "syslog", "health": health]]
        return String(decoding: try! JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]), as: UTF8.self)
    }
}

extension Farm {
    /// `t` as the report and the samples write times (with milliseconds).
    static func at(_ hhmm: String) -> String { ReportTime.format(ReportTime.parse(t(hhmm))!) }

    /// Samples at the end of each interval from 00:00 on 2026-12-01 up to `until` (excluded), changed by `edit`.
    static func samples(_ host: String, input: String = "journal", every interval: Double = 600, from start: String = "00:00",
                        until end: String, _ edit: (inout HealthDoc) -> Void = { _ in }) -> [HealthDoc] {
        let first = ReportTime.parse(t(start))! + interval, last = ReportTime.parse(t(end))!
        return stride(from: first, to: last, by: interval).map { at in
            var doc = HealthDoc(time: ReportTime.format(at), host: host, input: input, interval: interval)
            edit(&doc)
            return doc
        }
    }

    static var health: [HealthDoc] {
        var d: [HealthDoc] = []
        // flp001: two inputs; its syslog input dropped events at 10:00 and 12:00, and once in the previous period.
        // Samples run on past the period's end (16:00), which the report must not count.
        d += samples("flp001", until: "16:40")
        d += samples("flp001", input: "syslog-tcp", until: "16:40") { s in
            s.received = 40; s.indexed = 40
            switch s.time {
            case at("10:00"): s.dropped = 5; s.lag = 1.75
            case at("12:00"): s.dropped = 7; s.lag = 2.0
            case at("03:00"): s.dropped = 2
            default: break
            }
        }
        // flp004: the cluster refused it for a while at 11:30: a big lag and dead letters; one malformed line at 09:00.
        d += samples("flp004", until: "16:00") { s in
            s.lag = 0.8
            if s.time == at("11:30") { s.lag = 340.5; s.deadLettered = 3; s.indexed = 97 }
            if s.time == at("09:00") { s.malformed = 1 }
            if s.time == at("05:00") { s.lag = 95.25 }
        }
        // flp002: its shipper stops reporting at 12:00, halfway through the period.
        d += samples("flp002", until: "12:10") { s in s.received = 50; s.indexed = 50; s.lag = 0.6 }
        // flp005: clean, every 5 minutes.
        d += samples("flp005", every: 300, until: "16:00") { s in
            s.received = 200; s.indexed = 200; s.lag = s.time == at("14:00") ? 1.5 : 0.25
        }
        // flp006: reported in the previous period only, until 06:00.
        d += samples("flp006", until: "06:10") { s in s.received = 10; s.indexed = 10 }
        return d
    }
}

/// An osmem-server with LogBridge's mappings installed, and a client to it.
final class ReportCluster {
    let server: OsmemServer
    let client: ClusterClient

    init() throws {
        server = try OsmemServer()
        var output = OutputSettings()
        output.hosts = [server.url]
        client = ClusterClient(settings: output)
        _ = try SetupRunner(mappingsDirectory: TestPaths.packageRoot + "/Mappings", client: client, logger: Logger(label: "test")).run(dryRun: false)
    }

    func stop() { server.stop() }

    /// `_bulk` `create` with generated ids, refreshed; fails the test on any item error.
    func bulk(_ lines: [(index: String, doc: String)]) throws {
        guard !lines.isEmpty else { return }
        var body = ""
        for (index, doc) in lines { body += #"{"create":{"_index":"\#(index)"}}"# + "\n" + doc + "\n" }
        let r = try client.request("POST", "/_bulk?refresh=true", body: Array(body.utf8), contentType: "application/x-ndjson")
        guard r.isSuccess, !r.text.contains(#""errors":true"#) else { throw TestError("bulk failed: \(r.text.prefix(800))") }
    }

    func loadFarm() throws {
        try bulk(Farm.documents.map { ($0.index, $0.json) })
        // Monthly alarm indices by the event's time, as the alarm job writes them (the JSON starts with @timestamp).
        try bulk(Farm.alarms.map { ("logbridge-alarms-" + $0.dropFirst(15).prefix(7).replacingOccurrences(of: "-", with: "."), $0) })
        try bulk(Farm.catalogue.map { ("logbridge-patterns-2026.12", $0) })
        try bulk(Farm.deadLetters.map { ("logbridge-dlq-2026.12.01", $0) })
        try loadHealth()
    }

    /// Through the `logbridge-health` template `setup` installed: its `dynamic: strict` mapping refuses any field
    /// the samples here have and the shipper's documents do not (HealthDocumentTests writes those into the same template).
    func loadHealth() throws {
        try bulk(Farm.health.map { ("logbridge-health-2026.12", $0.json) })
    }

    func report(from: String = Farm.from, to: String = Farm.to, osd: String? = nil, kibana: String? = nil) -> Report {
        var options = ReportReader.Options(from: ReportTime.parse(from)!, to: ReportTime.parse(to)!)
        options.opensearchDashboardsURL = osd
        options.kibanaURL = kibana
        return ReportReader(client: client, options: options).read()
    }
}
