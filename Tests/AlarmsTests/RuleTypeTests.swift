import Alarms
import Foundation
import Testing
import TestSupport

/// Every rule type against a real osmem-server: a key that must fire and one that must not.
@Suite struct RuleTypeTests {
    let index = "logs-system.journal-2026.11.29"

    func fired(_ yaml: String, seed: [[String: Any]], now: Double) throws -> (keys: Set<String>, queries: Int) {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, seed)
        let report = try job([try rule(yaml)], cluster).runCycle(now: now)
        #expect(report.rules.allSatisfy { $0.error == nil }, "\(report.rules.map(\.error))")
        return (Set(report.events.filter { $0.state == .raised }.map(\.key)), report.queries)
    }

    @Test func frequencyCountsPerKeyWithOneQuery() throws {
        var seed: [[String: Any]] = (0..<25).map { doc(t0 + 100 + Double($0) * 5, host: "flp001") }
        seed += (0..<5).map { doc(t0 + 100 + Double($0) * 5, host: "flp002") }
        seed += (0..<30).map { doc(t0 + 100 + Double($0), host: "flp003", level: "info") }
        let r = try fired("""
            name: f
            type: frequency
            index: logs-system.journal-*
            filter: [{terms: {log.level: [err, crit]}}]
            query_key: host.name
            num_events: 20
            timeframe: 5m
            """, seed: seed, now: t0 + 300)
        #expect(r.keys == ["flp001"])
        // state read, lease, the one _msearch, state write are not "queries"; the search is one request.
        #expect(r.queries == 1)
    }

    @Test func anyCatchesMatchesAndIgnoresOthers() throws {
        let seed = [doc(t0 + 250, host: "flp004", message: "blk_update_request: I/O error, dev sdb", process: "kernel"),
                    doc(t0 + 250, host: "flp005", message: "NIC Link is Up", process: "kernel")]
        let r = try fired("""
            name: k
            type: any
            index: logs-system.journal-*
            filter: [{term: {process.name: kernel}}, {query_string: {query: 'message:"I/O error"'}}]
            query_key: host.name
            """, seed: seed, now: t0 + 300)
        #expect(r.keys == ["flp004"])
    }

    @Test func flatlineFindsTheHostThatStopped() throws {
        var seed: [[String: Any]] = (0..<40).map { doc(t0 + Double($0) * 60, host: "flp001", level: "info") }
        seed += (0..<20).map { doc(t0 + Double($0) * 60, host: "flp002", level: "info") }  // silent after 20 minutes
        let r = try fired("""
            name: silent
            type: flatline
            index: logs-system.journal-*
            query_key: host.name
            threshold: 1
            timeframe: 10m
            """, seed: seed, now: t0 + 40 * 60)
        #expect(r.keys == ["flp002"])
    }

    @Test func spikeComparesTwoWindowsInOneQuery() throws {
        // Both hosts logged before the reference window: past their warm-up.
        var seed: [[String: Any]] = [doc(t0 - 60, host: "flp001"), doc(t0 - 60, host: "flp002")]
        seed += (0..<2).map { doc(t0 + 30 + Double($0), host: "flp001") }
        seed += (0..<20).map { doc(t0 + 330 + Double($0), host: "flp001") }
        seed += (0..<10).map { doc(t0 + 30 + Double($0), host: "flp002") }
        seed += (0..<11).map { doc(t0 + 330 + Double($0), host: "flp002") }
        let r = try fired("""
            name: s
            type: spike
            index: logs-system.journal-*
            query_key: host.name
            spike_height: 3
            spike_type: up
            threshold_cur: 5
            timeframe: 5m
            """, seed: seed, now: t0 + 600)
        #expect(r.keys == ["flp001"])
        #expect(r.queries == 1)
    }

    @Test func cardinalityAndMetricAggregation() throws {
        var seed: [[String: Any]] = ["a", "b", "c", "d", "e"].map { doc(t0 + 100, host: "flp001", extra: ["process": ["name": $0, "pid": 50]]) }
        seed.append(doc(t0 + 100, host: "flp002", extra: ["process": ["name": "x", "pid": 5000]]))
        let card = try fired("""
            name: c
            type: cardinality
            index: logs-system.journal-*
            query_key: host.name
            cardinality_field: process.name
            max_cardinality: 3
            timeframe: 5m
            """, seed: seed, now: t0 + 200)
        #expect(card.keys == ["flp001"])
        let metric = try fired("""
            name: m
            type: metric_aggregation
            index: logs-system.journal-*
            query_key: host.name
            metric_agg_key: process.pid
            metric_agg_type: max
            max_threshold: 1000
            timeframe: 5m
            """, seed: seed, now: t0 + 200)
        #expect(metric.keys == ["flp002"])
    }

    @Test func blacklistWhitelistAndPercentage() throws {
        var seed: [[String: Any]] = [doc(t0 + 100, level: "info", process: "sshd"), doc(t0 + 100, level: "info", process: "systemd"),
                                     doc(t0 + 100, level: "info", process: "evil")]
        seed += (0..<3).map { doc(t0 + 110 + Double($0), host: "flp009", level: "err") }
        seed.append(doc(t0 + 120, host: "flp009", level: "info"))
        let black = try fired("name: b\ntype: blacklist\nindex: logs-system.journal-*\ncompare_key: process.name\nblacklist: [evil, worse]\n",
                              seed: seed, now: t0 + 200)
        #expect(black.keys == ["evil"])
        let white = try fired("name: w\ntype: whitelist\nindex: logs-system.journal-*\ncompare_key: process.name\nwhitelist: [sshd, systemd, o2-readout-exe]\nignore_null: true\n",
                              seed: seed, now: t0 + 200)
        #expect(white.keys == ["evil"])
        let pct = try fired("""
            name: p
            type: percentage_match
            index: logs-system.journal-*
            query_key: host.name
            match_bucket_filter: [{term: {log.level: err}}]
            max_percentage: 60
            min_denominator: 3
            timeframe: 5m
            """, seed: seed, now: t0 + 200)
        #expect(pct.keys == ["flp009"])  // 75% errors; flp001 has 0%
    }

    @Test func newTermAndChangeRememberWhatTheySaw() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        // Seen a week ago: known. In the window: one known, one new.
        try cluster.seed(index, [doc(t0 - 7 * 86_400, process: "readout"), doc(t0 + 250, process: "readout"), doc(t0 + 250, process: "qc")])
        let nt = try rule("name: nt\ntype: new_term\nindex: logs-system.journal-*\nfields: [process.name]\nbuffer_time: 5m\n")
        let first = try job([nt], cluster).runCycle(now: t0 + 300)
        #expect(first.events.filter { $0.state == .raised }.map(\.key) == ["qc"])
        // Next window: qc is known now, so the alarm clears and nothing new is raised.
        #expect(try job([nt], cluster).runCycle(now: t0 + 360).events.map(\.state) == [.cleared])

        let ch = try rule("name: ch\ntype: change\nindex: logs-system.journal-*\nquery_key: host.name\ncompare_key: process.name\nbuffer_time: 1m\n")
        try cluster.seed(index, [doc(t0 + 1000, host: "flp005", process: "v1")])
        #expect(try job([ch], cluster).runCycle(now: t0 + 1020).events.isEmpty)  // first value: learnt
        try cluster.seed(index, [doc(t0 + 1070, host: "flp005", process: "v2")])
        let changed = try job([ch], cluster).runCycle(now: t0 + 1080)
        #expect(changed.events.map(\.key) == ["flp005"])
        #expect(changed.events.first?.fields["process.name"] == "v2")
    }
}
