import Alarms
import Foundation
import Testing
import TestSupport

/// Shared searches (`SearchMerger`) must answer every rule exactly as its own search would.
@Suite struct MergedSearchTests {
    let index = "logs-system.journal-2026.11.29"

    /// Rules of every type, windows of different lengths, keyed by one field, by three, and not keyed.
    let rules = [
        "name: burst\ntype: frequency\nindex: logs-system.journal-*\nfilter: [{terms: {log.level: [err, crit]}}]\nquery_key: host.name\nnum_events: 5\ntimeframe: 5m",
        "name: burst-high\ntype: frequency\nindex: logs-system.journal-*\nfilter: [{terms: {log.level: [err, crit]}}]\nquery_key: host.name\nnum_events: 12\ntimeframe: 5m",
        "name: total\ntype: frequency\nindex: logs-system.journal-*\nnum_events: 10\ntimeframe: 10m",
        "name: silent\ntype: flatline\nindex: logs-system.journal-*\nquery_key: host.name\nthreshold: 1\ntimeframe: 5m",
        "name: spike\ntype: spike\nindex: logs-system.journal-*\nquery_key: host.name\nspike_height: 2\nspike_type: both\ntimeframe: 5m",
        "name: kernel\ntype: any\nindex: logs-system.journal-*\nfilter: [{term: {process.name: kernel}}]\nquery_key: host.name\nbuffer_time: 2m",
        "name: black\ntype: blacklist\nindex: logs-system.journal-*\ncompare_key: process.name\nblacklist: [sshd]",
        "name: procs\ntype: cardinality\nindex: logs-system.journal-*\nquery_key: host.name\ncardinality_field: process.name\nmax_cardinality: 1\ntimeframe: 10m",
        "name: errshare\ntype: percentage_match\nindex: logs-system.journal-*\nquery_key: host.name\nmatch_bucket_filter: [{term: {log.level: err}}]\nmax_percentage: 50\ntimeframe: 10m",
        "name: newsrc\ntype: new_term\nindex: logs-system.journal-*\nfields: [process.name, log.origin.file.name, log.origin.file.line]\nterms_window_size: 1h\nbuffer_time: 1m",
    ]

    func seed() -> [[String: Any]] {
        var docs: [[String: Any]] = []
        // Twenty minutes of traffic: steady hosts, a burst, a host that stops, a kernel line, new code locations.
        for minute in 0..<20 {
            let at = t0 + Double(minute) * 60
            for h in 1...6 where !(h == 3 && minute >= 12) {
                docs.append(doc(at + Double(h), host: String(format: "flp%03d", h), level: h == 2 ? "err" : "info",
                                process: h == 4 ? "sshd" : "o2-readout-exe",
                                extra: ["log": ["level": h == 2 ? "err" : "info", "origin": ["file": ["name": "a.cxx", "line": minute < 15 ? 1 : h]]]]))
            }
        }
        docs += (0..<15).map { doc(t0 + 17 * 60 + Double($0), host: "flp005", level: "crit", process: "daq") }
        docs.append(doc(t0 + 19 * 60, host: "flp006", level: "crit", message: "I/O error", process: "kernel"))
        return docs
    }

    @Test func mergedAndUnmergedRaiseTheSame() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, seed())
        let parsed = try rules.enumerated().map { try rule($0.element, file: "r\($0.offset).yaml") }

        // Each window of each rule evaluated over ten minutes in one-minute steps, from a clean state.
        func run(merged: Bool) throws -> (events: [String], report: AlarmJob.CycleReport) {
            let report = try job(parsed, cluster, configure: { $0.mergeSearches = merged })
                .backtest(from: t0 + 10 * 60, to: t0 + 20 * 60)
            #expect(report.rules.allSatisfy { $0.error == nil }, "\(report.rules.compactMap(\.error))")
            let events = report.events.map { "\($0.rule) \($0.key) \($0.state.rawValue) \($0.value) \(Int($0.time - t0)) \($0.subject)" }
            return (events.sorted(), report)
        }
        let merged = try run(merged: true), unmerged = try run(merged: false)
        #expect(merged.events == unmerged.events)
        // The data is built so that every type raises something: equal because both found the same, not nothing.
        let raisedRules = Set(merged.report.events.map(\.rule))
        #expect(raisedRules.isSuperset(of: ["burst", "burst-high", "silent", "spike", "kernel", "black", "procs", "errshare", "newsrc"]),
                "\(raisedRules)")
        // The seven counting rules and new_term are replayed from one bucketed search each (`ReplaySeries`), sent
        // unmerged side by side (8 searches over 2 workers: one request each); the other two from 20 probes
        // (2 rules × 10 windows), plus new_term's baseline; then 3 searches for what matched (the host of the alarms
        // not keyed by host). Merged, each of the last two rounds is one shared search in one request.
        #expect(unmerged.report.searches == 8 + 21 + 3)
        #expect(merged.report.searches == 8 + 1 + 1)
        #expect(merged.report.queries == 8 + 1 + 1)
    }

    @Test func aRefusedSharedSearchFallsBackToOneSearchPerRule() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, seed())
        // `message` is full text: the cluster refuses to count by it; the shared search fails, the other rule must not.
        var bad = try rule("name: bad\ntype: frequency\nindex: logs-system.journal-*\nquery_key: host.name\nnum_events: 1\ntimeframe: 5m")
        bad.queryKey = ["message"]
        let good = try rule(rules[0])
        let report = try job([bad, good], cluster).runCycle(now: t0 + 20 * 60)
        #expect(report.rules.first { $0.rule == "bad" }?.error != nil)
        #expect(report.rules.first { $0.rule == "burst" }?.error == nil)
        #expect(report.events.contains { $0.rule == "burst" && $0.key == "flp005" && $0.state == .raised })
    }
}
