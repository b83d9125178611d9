import Bulk

/// Prometheus Alertmanager API v2: firing alerts carry `startsAt`, resolved ones `endsAt`.
/// A firing alert without `endsAt` is resolved by Alertmanager after its `resolve_timeout` (5m by default)
/// unless re-sent: keep `realert` below it, or raise `resolve_timeout`.
struct AlertmanagerSink: AlarmSink {
    let urls: [String]
    var id: String { "alertmanager:" + urls.joined(separator: ",") }

    func deliver(_ events: [AlarmEvent]) throws {
        let alerts: [[String: Any]] = events.map { e in
            var labels = ["alertname": e.rule, "key": e.key, "severity": e.severity, "source": "logbridge"]
            if let host = e.host { labels["host"] = host }
            if let pattern = e.fields[PatternRules.idField] { labels["pattern"] = pattern }
            var alert: [String: Any] = [
                "labels": labels, "annotations": ["summary": e.subject, "description": e.text],
                "startsAt": Timestamps.format(e.raisedAt),
            ]
            if e.state == .cleared { alert["endsAt"] = Timestamps.format(e.time) }
            return alert
        }
        let client = Sinks.httpClient(baseURLs: urls.map { Sinks.split($0).base })
        try Sinks.post(client, "/api/v2/alerts", Array(JSONText.encode(alerts).utf8), contentType: "application/json",
                       what: "Alertmanager")
    }
}
