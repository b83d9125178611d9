import Bulk

/// A JSON POST per event: Mattermost/Slack-compatible `text`, plus the alarm's fields for other receivers.
struct WebhookSink: AlarmSink {
    let url: String
    var id: String { "webhook:" + url }

    func deliver(_ events: [AlarmEvent]) throws {
        let (base, path) = Sinks.split(url)
        let client = Sinks.httpClient(baseURLs: [base])
        for e in events {
            let icon = e.state == .raised ? ":rotating_light:" : ":white_check_mark:"
            var body: [String: Any] = [
                "text": "\(icon) **\(e.subject)**\n\(e.text)", "username": "LogBridge",
                "rule": e.rule, "key": e.key, "state": e.state.rawValue, "severity": e.severity, "value": e.value,
                "time": Timestamps.format(e.time), "fields": e.fields,
            ]
            if let held = e.aggregated {
                // An aggregation summary: the period and the alarms it stands for.
                var keys: [String] = []
                for h in held where !keys.contains(h.key) { keys.append(h.key) }
                body["aggregation"] = ["events": Int(e.value), "keys": keys, "from": Timestamps.format(e.raisedAt)] as [String: Any]
            }
            try Sinks.post(client, path, Array(JSONText.encode(body).utf8), contentType: "application/json", what: "webhook \(url)")
        }
    }
}
