import Alarms
import Foundation
import Testing
import TestSupport

/// Alarms raised and cleared end to end: osmem → rule → InfluxDB (UDP and HTTP) and Alertmanager, read back from each.
@Suite(.serialized) struct SinkTests {
    let index = "logs-system.journal-2026.11.29"

    func burst(_ alert: String) -> String {
        """
        name: burst
        type: frequency
        index: logs-system.journal-*
        query_key: host.name
        num_events: 3
        timeframe: 5m
        run_every: 1m
        realert: 1h
        severity: error
        \(alert)
        """
    }

    @Test func influxDBReceivesRaiseAndClearOverUDPAndHTTP() throws {
        let influx = try InfluxDB()
        defer { influx.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<5).map { doc(t0 + 230 + Double($0), host: "flp001") })
        let udp = try rule(burst("alert: [o2_monitoring]\no2_monitoring: {transport: udp, port: \(influx.udpPort), measurement: alarm_udp}"))
        var http = try rule(burst("alert: [o2_monitoring]\no2_monitoring: {transport: http, url: '\(influx.httpURL)/write?db=o2', measurement: alarm_http}"))
        http.name = "burst-http"
        let j = job([udp, http], cluster)
        #expect(try j.runCycle(now: t0 + 300).sinkErrors.isEmpty)
        #expect(try j.runCycle(now: t0 + 600).sinkErrors.isEmpty)
        for m in ["alarm_udp", "alarm_http"] {
            var points: [[String: Any]] = []
            try Daemon.waitFor("points in \(m)", timeout: 5) { points = influx.points(m); return points.count == 2 }
            #expect(points.map { $0["value"] as? Int } == [1, 0])
            #expect(points.allSatisfy { $0["host"] as? String == "flp001" && $0["key"] as? String == "flp001" && $0["severity"] as? String == "error" })
        }
    }

    /// Firing carries `startsAt` (the raise) and no `endsAt` (Alertmanager holds it for `resolve_timeout`); the
    /// clear carries `endsAt`, and Alertmanager itself then reports the alert resolved: it leaves API v2's list
    /// (which holds every alert not yet resolved) and Alertmanager's own webhook notification says `resolved`.
    @Test func alertmanagerFiresThenResolves() throws {
        let hook = try HTTPReceiver()
        defer { hook.stop() }
        let am = try Alertmanager(webhook: hook.url + "/am")
        defer { am.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        // Alertmanager keeps real time: the windows end in the recent past, so the clear's endsAt is already over.
        let now = Date().timeIntervalSince1970.rounded(.down)
        try cluster.seed(index, (0..<5).map { doc(now - 150 + Double($0), host: "flp002") })
        let r = try rule(burst("alert: [alertmanager]\nalertmanager_hosts: ['\(am.url)']").replacingOccurrences(of: "timeframe: 5m", with: "timeframe: 1m"))
        #expect(try job([r], cluster).runCycle(now: now - 120).sinkErrors.isEmpty)
        let firing = am.activeAlerts()
        try #require(firing.count == 1, "\(firing)")
        let labels = firing[0]["labels"] as? [String: String]
        #expect(labels?["alertname"] == "burst" && labels?["host"] == "flp002" && labels?["key"] == "flp002" && labels?["severity"] == "error")
        #expect((firing[0]["status"] as? [String: Any])?["state"] as? String == "active")
        #expect(Timestamps.parse(firing[0]["startsAt"] as? String ?? "") == now - 120)
        // No endsAt was sent: Alertmanager's own (now + resolve_timeout) is in the future.
        #expect((Timestamps.parse(firing[0]["endsAt"] as? String ?? "") ?? 0) > Date().timeIntervalSince1970 + 60)
        try Daemon.waitFor("Alertmanager's firing notification", timeout: 10) { hook.requests.contains { $0.json?["status"] as? String == "firing" } }

        #expect(try job([r], cluster).runCycle(now: now - 30).events.map(\.state) == [.cleared])
        #expect(am.activeAlerts().isEmpty, "\(am.activeAlerts())")
        var resolved: [String: Any]?
        try Daemon.waitFor("Alertmanager's resolved notification", timeout: 10) {
            resolved = hook.requests.compactMap(\.json).first { $0["status"] as? String == "resolved" }
            return resolved != nil
        }
        let alert = (resolved?["alerts"] as? [[String: Any]])?.first
        #expect((alert?["labels"] as? [String: String])?["alertname"] == "burst")
        #expect(Timestamps.parse(alert?["startsAt"] as? String ?? "") == now - 120)
        // The clear is stamped with the first window (ending now-60) in which the burst no longer counts.
        #expect(Timestamps.parse(alert?["endsAt"] as? String ?? "") == now - 60)
    }

    @Test func downSinkKeepsEventsUntilItAnswersAndSilenceReachesOnlyTheIndex() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<5).map { doc(t0 + 230 + Double($0), host: "flp003") })
        let port = freePort()
        let r = try rule(burst("alert: [o2_monitoring]\no2_monitoring: {transport: http, url: 'http://127.0.0.1:\(port)/write?db=o2', measurement: m}"))
        let first = try job([r], cluster).runCycle(now: t0 + 300)
        #expect(first.sinkErrors.count == 1)
        #expect(try cluster.osmem.documents("logbridge-alarms-state").contains { $0.id.hasPrefix("pending:") })
        // The sink comes back: the kept raise is delivered before this cycle's events.
        let influx = try InfluxDB(httpPort: port)
        defer { influx.stop() }
        #expect(try job([r], cluster).runCycle(now: t0 + 360).sinkErrors.isEmpty)
        #expect(influx.points("m").map { $0["value"] as? Int } == [1])
        #expect(try cluster.osmem.documents("logbridge-alarms-state").contains { $0.id.hasPrefix("pending:") } == false)
        // Silenced: the clear goes to the alarm index only.
        try StateStore(client: cluster.client).silence(rule: "burst", key: nil, until: Date().timeIntervalSince1970 + 3600)
        #expect(try job([r], cluster).runCycle(now: t0 + 600).events.map(\.state) == [.cleared])
        #expect(influx.points("m").count == 1)
        let history = try cluster.osmem.documents("logbridge-alarms-2026.11")
        #expect(history.contains { (($0.source["alarm"] as? [String: Any])?["silenced"] as? Bool) == true })
    }
}
