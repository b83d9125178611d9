import Bulk
import Foundation

/// Reads and writes `logbridge-alarms-state` and the monthly history `logbridge-alarms-YYYY.MM`.
public struct StateStore: Sendable {
    public static let stateIndex = "logbridge-alarms-state"
    public static let historyPrefix = "logbridge-alarms"
    public let client: ClusterClient

    public init(client: ClusterClient) { self.client = client }

    /// Creates the state index with a closed mapping: alarm fields hold arbitrary key names that must not grow it.
    public func prepare() throws {
        let mapping = #"{"mappings":{"dynamic":false,"properties":{"kind":{"type":"keyword"},"rule":{"type":"keyword"},"key":{"type":"keyword"}}}}"#
        let head = try client.request("HEAD", "/\(Self.stateIndex)")
        guard head.status == 404 else { return }
        let response = try client.request("PUT", "/\(Self.stateIndex)", body: Array(mapping.utf8))
        guard response.isSuccess || response.text.contains("already_exists") else {
            throw AlarmsError("creating \(Self.stateIndex): HTTP \(response.status): \(response.text.prefix(300))")
        }
    }

    /// `logbridge alarms silence`: alarms of the rule (and key) still reach the alarm index, not the other sinks.
    public func silence(rule: String, key: String?, until: Double) throws {
        try prepare()
        var doc: [String: Any] = ["kind": "silence", "rule": rule, "until": until, "until_time": Timestamps.format(until)]
        if let key { doc["key"] = key }
        let results = try write([.init(id: AlarmState.silenceID(rule, key), index: Self.stateIndex, source: doc)])
        if case .failed(let reason)? = results.first { throw AlarmsError("silence not stored: \(reason)") }
    }

    public func load() throws -> AlarmState {
        let body = #"{"size":10000,"seq_no_primary_term":true,"query":{"match_all":{}}}"#
        let response = try client.request("POST", "/\(Self.stateIndex)/_search", body: Array(body.utf8))
        if response.status == 404 { return AlarmState() }
        guard response.isSuccess, let json = JSONText.decode(response.body) as? [String: Any] else {
            throw AlarmsError("reading \(Self.stateIndex): HTTP \(response.status): \(response.text.prefix(300))")
        }
        var state = AlarmState()
        let hits = (json["hits"] as? [String: Any])?["hits"] as? [[String: Any]] ?? []
        for hit in hits {
            guard let id = hit["_id"] as? String, let source = hit["_source"] as? [String: Any] else { continue }
            let rule = source["rule"] as? String ?? ""
            switch source["kind"] as? String {
            case "rule":
                state.progress[rule] = .init(lastEnd: Self.number(source["last_end"]), owner: source["owner"] as? String,
                                             leaseUntil: Self.number(source["lease_until"]) ?? 0,
                                             seqNo: hit["_seq_no"] as? Int, primaryTerm: hit["_primary_term"] as? Int)
            case "alarm":
                if let record = decode(AlarmRecord.self, source["alarm"]) { state.active[rule, default: [:]][record.key] = record }
            case "silence":
                state.silences.append(.init(rule: rule, key: source["key"] as? String, until: Self.number(source["until"]) ?? 0))
            case "terms":
                state.terms[rule] = Set(source["terms"] as? [String] ?? [])
            case "pending":
                if let events = decode([AlarmEvent].self, source["events"]) { state.pending[String(id.dropFirst("pending:".count))] = events }
            default: continue
            }
        }
        return state
    }

    /// One `_bulk` line pair; `ifSeqNo` makes the write conditional (a lease), `nil` source deletes.
    public struct Write {
        var id: String
        var index: String
        var source: [String: Any]?
        var ifSeqNo: (Int, Int)? = nil
        var create = false
    }

    public enum WriteResult: Equatable { case ok(seqNo: Int, primaryTerm: Int), conflict, failed(String) }

    @discardableResult
    public func write(_ writes: [Write], refresh: Bool = true) throws -> [WriteResult] {
        guard !writes.isEmpty else { return [] }
        var body = ""
        for w in writes {
            var meta: [String: Any] = ["_index": w.index, "_id": w.id]
            if let (seq, term) = w.ifSeqNo { meta["if_seq_no"] = seq; meta["if_primary_term"] = term }
            if let source = w.source {
                body += JSONText.encode([w.create ? "create" : "index": meta]) + "\n" + JSONText.encode(source) + "\n"
            } else {
                body += JSONText.encode(["delete": meta]) + "\n"
            }
        }
        let response = try client.request("POST", "/_bulk" + (refresh ? "?refresh=true" : ""), body: Array(body.utf8),
                                          contentType: "application/x-ndjson")
        guard response.isSuccess, let json = JSONText.decode(response.body) as? [String: Any],
              let items = json["items"] as? [[String: Any]] else {
            throw AlarmsError("writing alarm state: HTTP \(response.status): \(response.text.prefix(300))")
        }
        return items.map { item in
            guard let result = item.values.first as? [String: Any] else { return .failed("no result") }
            let status = result["status"] as? Int ?? 0
            if status == 409 { return .conflict }
            if (200..<300).contains(status) || status == 404 && item["delete"] != nil {
                return .ok(seqNo: result["_seq_no"] as? Int ?? -1, primaryTerm: result["_primary_term"] as? Int ?? -1)
            }
            return .failed("\(status): \(result["error"].map { "\($0)" } ?? "")")
        }
    }

    // MARK: Documents

    static func ruleDoc(_ rule: String, lastEnd: Double?, owner: String?, leaseUntil: Double) -> [String: Any] {
        var doc: [String: Any] = ["kind": "rule", "rule": rule, "lease_until": leaseUntil]
        if let lastEnd { doc["last_end"] = lastEnd; doc["last_end_time"] = Timestamps.format(lastEnd) }
        if let owner { doc["owner"] = owner }
        return doc
    }

    static func alarmDoc(_ record: AlarmRecord) -> [String: Any] {
        ["kind": "alarm", "rule": record.rule, "key": record.key, "alarm": encode(record) ?? [:]]
    }

    static func historyDoc(_ event: AlarmEvent, silenced: Bool) -> [String: Any] {
        var doc: [String: Any] = [
            "@timestamp": Timestamps.format(event.time), "event": ["kind": "alert", "action": event.state.rawValue],
            "rule": ["name": event.rule], "alarm": [
                "rule": event.rule, "key": event.key, "state": event.state.rawValue, "severity": event.severity, "value": event.value,
                "subject": event.subject, "text": event.text, "raised_at": Timestamps.format(event.raisedAt),
                "notification": event.notification, "silenced": silenced, "fields": event.fields,
            ] as [String: Any],
            "message": event.subject,
        ]
        if let host = event.host { doc["host"] = ["name": host] }
        return doc
    }

    static func historyID(_ event: AlarmEvent) -> String {
        "\(event.rule):\(event.key):\(Int(event.raisedAt * 1000)):\(event.state.rawValue):\(event.notification)"
    }

    private static func number(_ v: Any?) -> Double? {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        return nil
    }

    static func encode<T: Encodable>(_ value: T) -> Any? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    private func decode<T: Decodable>(_ type: T.Type, _ value: Any?) -> T? {
        guard let value, JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }
}

public struct AlarmsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
