import Alarms
import Foundation
import Testing
import TestSupport

/// Raise, re-notify, clear; state in the cluster across restarts; late events; catch-up; two instances.
@Suite struct LifecycleTests {
    let index = "logs-system.journal-2026.11.29"
    let burst = """
        name: burst
        type: frequency
        index: logs-system.journal-*
        query_key: host.name
        num_events: 3
        timeframe: 5m
        run_every: 1m
        realert: 10m
        """

    @Test func raiseSurvivesRestartWithoutFloodThenClears() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<5).map { doc(t0 + 230 + Double($0), host: "flp001") })
        let r = try rule(burst)
        let first = try job([r], cluster).runCycle(now: t0 + 300)
        #expect(first.events.map(\.state) == [.raised])
        // A new process (restart) one minute later: the alarm is remembered, nothing is re-sent before realert.
        let second = try job([r], cluster).runCycle(now: t0 + 360)
        #expect(second.events.isEmpty)
        let listed = try cluster.osmem.documents("logbridge-alarms-state")
        let stored = listed.first { $0.id == "alarms:burst" }?.source["alarms"] as? [[String: Any]]
        #expect(stored?.map { $0["key"] as? String } == ["flp001"])
        // The burst leaves the 5-minute window: cleared, state removed, history has both.
        let third = try job([r], cluster).runCycle(now: t0 + 600)
        #expect(third.events.map(\.state) == [.cleared])
        #expect(try cluster.osmem.documents("logbridge-alarms-state").contains { $0.id == "alarms:burst" } == false)
        let history = try cluster.osmem.documents("logbridge-alarms-*").filter { ($0.source["alarm"] as? [String: Any]) != nil }
        #expect(Set(history.compactMap { ($0.source["alarm"] as? [String: Any])?["state"] as? String }) == ["raised", "cleared"])
    }

    /// State written by the one-document-per-alarm layout is read, and replaced by the rule's `alarms:` document
    /// the next time the rule runs: an upgrade neither forgets an alarm (no second raise) nor resurrects one.
    @Test func oneDocumentPerAlarmStateIsTakenOver() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<5).map { doc(t0 + 230 + Double($0), host: "flp001") })
        try StateStore(client: cluster.client).prepare()
        let legacy = #"{"kind":"alarm","rule":"burst","key":"flp001","alarm":{"rule":"burst","key":"flp001","fields":{"host.name":"flp001"},"#
            + #""severity":"warning","raised_at":1795910640,"last_notified":1795910640,"notifications":1,"value":4,"reason":"4 events"}}"#
        let put = try cluster.client.request("PUT", "/logbridge-alarms-state/_doc/alarm:burst:flp001?refresh=true", body: Array(legacy.utf8))
        #expect(put.isSuccess, "\(put.text)")
        let r = try rule(burst)
        // Still holding one minute later, well within realert: remembered, so nothing is sent.
        #expect(try job([r], cluster).runCycle(now: t0 + 300).events.isEmpty)
        let ids = try cluster.osmem.documents("logbridge-alarms-state").map(\.id)
        #expect(ids.contains("alarms:burst") && !ids.contains("alarm:burst:flp001"), "\(ids)")
        let cleared = try job([r], cluster).runCycle(now: t0 + 600)
        #expect(cleared.events.map(\.state) == [.cleared] && cleared.events.first?.raisedAt == t0 + 240)
    }

    @Test func realertAndExponentialRealert() throws {
        var r = try rule(burst)
        r.realert = 60
        r.exponentialRealert = 240
        var active: [String: AlarmRecord] = [:]
        var notified: [Double] = []
        let finding = Finding(key: "flp001", fields: ["host.name": "flp001"], value: 5, reason: "5 events")
        for minute in 0..<12 {
            let out = AlarmLifecycle.apply(r, findings: [finding], active: active, at: t0 + Double(minute) * 60)
            active = out.active
            notified += out.events.map { ($0.time - t0) / 60 }
        }
        // 1m, then 2m, then 4m (capped at 4m).
        #expect(notified == [0, 1, 3, 7, 11])
        let cleared = AlarmLifecycle.apply(r, findings: [], active: active, at: t0 + 800)
        #expect(cleared.events.map(\.state) == [.cleared] && cleared.active.isEmpty)
    }

    @Test func lateIndexedEventIsCaughtByBufferTime() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, [doc(t0, host: "flp000", level: "info")])
        let r = try rule("name: io\ntype: any\nindex: logs-system.journal-*\nquery_key: host.name\nfilter: [{term: {log.level: crit}}]\nbuffer_time: 5m\n")
        #expect(try job([r], cluster).runCycle(now: t0 + 600).events.isEmpty)
        // Stamped 20 s before the previous window ended, indexed only now.
        try cluster.seed(index, [doc(t0 + 580, host: "flp007", level: "crit")])
        let next = try job([r], cluster).runCycle(now: t0 + 660)
        #expect(next.events.map(\.key) == ["flp007"])
    }

    @Test func windowsAreContiguousAndCatchUpIsBounded() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        let r = try rule(burst)
        _ = try job([r], cluster).runCycle(now: t0)
        // Two hours down, one hour of catch-up allowed: 60 one-minute windows run, one hour reported skipped.
        let report = try job([r], cluster, configure: { $0.maxCatchup = 3600 }).runCycle(now: t0 + 7200)
        let rr = try #require(report.rules.first)
        #expect(rr.steps == 60)
        #expect(rr.skipped?.from == t0 && rr.skipped?.to == t0 + 3600)
        // The 60 windows are answered from one bucketed search (`ReplaySeries`), in one _msearch request.
        #expect(report.queries == 1)
        #expect(report.searches == 1)
        // Not due again within run_every, due right after.
        #expect(try job([r], cluster).runCycle(now: t0 + 7230).rules.isEmpty)
        #expect(try job([r], cluster).runCycle(now: t0 + 7260).rules.first?.steps == 1)
    }

    @Test func twoInstancesRunEachRuleOnce() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<5).map { doc(t0 + 230 + Double($0), host: "flp001") })
        let rules = try (0..<6).map { try rule(burst.replacingOccurrences(of: "name: burst", with: "name: burst\($0)")) }
        _ = try job(rules, cluster, owner: "a").runCycle(now: t0 + 200)  // progress documents exist
        let a = job(rules, cluster, owner: "a"), b = job(rules, cluster, owner: "b")
        nonisolated(unsafe) var reports: [AlarmJob.CycleReport] = []
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let r = try! (i == 0 ? a : b).runCycle(now: t0 + 300)
            lock.lock(); reports.append(r); lock.unlock()
        }
        let raised = reports.flatMap(\.events).filter { $0.state == .raised }
        #expect(raised.count == 6)
        #expect(Set(raised.map(\.rule)).count == 6)
    }
}
