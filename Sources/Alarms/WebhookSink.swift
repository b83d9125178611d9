import Bulk
import JSON

/// A JSON POST per event: Mattermost/Slack-compatible `text`, plus the alarm's fields for other receivers.
struct WebhookSink: AlarmSink {
    let url: String
    var id: String { "webhook:" + url }

    func deliver(_ events: [AlarmEvent]) throws {
        let (base, path) = Sinks.split(url)
        let client = Sinks.httpClient(baseURLs: [base])
        for e in events {
            let icon = e.state == .raised ? ":rotating_light:" : ":white_check_mark:"
            var body: [String: JSONValue] = [
                "text": .string("\(icon) **\(e.subject)**\n\(e.text)"), "username": "LogBridge",
                "rule": .string(e.rule), "key": .string(e.key), "state": .string(e.state.rawValue), "severity": .string(e.severity),
                "value": .double(e.value), "time": .string(Timestamps.format(e.time)), "fields": JSONValue(e.fields),
            ]
            if let held = e.aggregated {
                // An aggregation summary: the period and the alarms it stands for.
                var keys: [String] = []
                for h in held where !keys.contains(h.key) { keys.append(h.key) }
                body["aggregation"] = ["events": .int(Int(e.value)), "keys": JSONValue(keys), "from": .string(Timestamps.format(e.raisedAt))]
            }
            try Sinks.post(client, path, JSONValue.object(body).compactBytes, contentType: "application/json", what: "webhook \(url)")
        }
    }
}
