import Bulk
import JSON

/// Prometheus Alertmanager API v2: firing alerts carry `startsAt`, resolved ones `endsAt`.
/// A firing alert without `endsAt` is resolved by Alertmanager after its `resolve_timeout` (5m by default)
/// unless re-sent: keep `realert` below it, or raise `resolve_timeout`.
struct AlertmanagerSink: AlarmSink {
    let urls: [String]
    var id: String { "alertmanager:" + urls.joined(separator: ",") }

    func deliver(_ events: [AlarmEvent]) throws {
        let alerts: [JSONValue] = events.map { e in
            var labels = ["alertname": e.rule, "key": e.key, "severity": e.severity, "source": "logbridge"]
            if let host = e.host { labels["host"] = host }
            if let pattern = e.fields[PatternRules.idField] { labels["pattern"] = pattern }
            var alert: [String: JSONValue] = [
                "labels": JSONValue(labels), "annotations": ["summary": .string(e.subject), "description": .string(e.text)],
                "startsAt": .string(Timestamps.format(e.raisedAt)),
            ]
            if e.state == .cleared { alert["endsAt"] = .string(Timestamps.format(e.time)) }
            return .object(alert)
        }
        let client = Sinks.httpClient(baseURLs: urls.map { Sinks.split($0).base })
        try Sinks.post(client, "/api/v2/alerts", JSONValue.array(alerts).compactBytes, contentType: "application/json",
                       what: "Alertmanager")
    }
}
