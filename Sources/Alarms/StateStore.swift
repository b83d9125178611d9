import Bulk
import Foundation
import JSON

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
        var doc: [String: JSONValue] = ["kind": "silence", "rule": .string(rule), "until": .double(until),
                                        "until_time": .string(Timestamps.format(until))]
        if let key { doc["key"] = .string(key) }
        let results = try write([.init(id: AlarmState.silenceID(rule, key), index: Self.stateIndex, source: .object(doc))])
        if case .failed(let reason)? = results.first { throw AlarmsError("silence not stored: \(reason)") }
    }

    public func load() throws -> AlarmState {
        let body = #"{"size":10000,"seq_no_primary_term":true,"query":{"match_all":{}}}"#
        let path = "/\(Self.stateIndex)/_search?filter_path=hits.hits._id,hits.hits._seq_no,hits.hits._primary_term,hits.hits._source"
        let response = try client.request("POST", path, body: Array(body.utf8))
        if response.status == 404 { return AlarmState() }
        // Decoded straight into typed documents (JSONDecoder) rather than into Foundation dictionaries: with an
        // alarm per key the state is thousands of documents, and their dictionaries were the job's peak memory.
        let decoded: StateDocuments
        do {
            guard response.isSuccess else { throw AlarmsError("HTTP \(response.status)") }
            decoded = try JSONDecoder().decode(StateDocuments.self, from: Data(response.body))
        } catch {
            throw AlarmsError("reading \(Self.stateIndex): \(error): \(response.text.prefix(300))")
        }
        var state = AlarmState()
        for hit in decoded.hits?.hits ?? [] {
            let source = hit._source
            let rule = source.rule ?? ""
            switch source.kind {
            case "rule":
                state.progress[rule] = .init(lastEnd: source.last_end, owner: source.owner, leaseUntil: source.lease_until ?? 0,
                                             seqNo: hit._seq_no, primaryTerm: hit._primary_term)
            case "alarms":
                for record in source.alarms ?? [] { state.active[rule, default: [:]][record.key] = record }
            case "alarm":
                if let record = source.alarm { state.active[rule, default: [:]][record.key] = record }
                state.legacyAlarmIDs[rule, default: []].append(hit._id)
            case "silence":
                state.silences.append(.init(rule: rule, key: source.key, until: source.until ?? 0))
            case "terms":
                state.terms[rule] = Set(source.terms ?? [])
            case "ledger":
                state.ledgers[rule] = MatchLedger(entries: source.entries ?? [])
            case "aggregation":
                state.aggregations[rule] = source.groups ?? []
            case "pending":
                state.pending[String(hit._id.dropFirst("pending:".count))] = source.events ?? []
            default: continue
            }
        }
        return state
    }

    /// The state index's documents as `load` reads them; unknown kinds and fields are ignored.
    private struct StateDocuments: Decodable {
        struct Hits: Decodable { var hits: [Hit] }
        struct Hit: Decodable {
            var _id: String
            var _seq_no: Int?
            var _primary_term: Int?
            var _source: Source
        }
        struct Source: Decodable {
            var kind: String?
            var rule: String?
            var key: String?
            var last_end: Double?
            var owner: String?
            var lease_until: Double?
            var until: Double?
            var alarm: AlarmRecord?
            var alarms: [AlarmRecord]?
            var terms: [String]?
            var events: [AlarmEvent]?
            var entries: [MatchLedger.Entry]?
            var groups: [AggregationGroup]?
        }
        var hits: Hits?
    }

    /// One `_bulk` line pair; `ifSeqNo` makes the write conditional (a lease), `nil` source deletes.
    /// Encoded when made: a cycle's writes are thousands of nested dictionaries, and holding them all until the
    /// request is built was most of the job's peak memory.
    public struct Write {
        var id: String
        var lines: [UInt8] = []

        init(id: String, index: String, source: JSONValue?, ifSeqNo: (Int, Int)? = nil, create: Bool = false) {
            self.id = id
            var meta: [String: JSONValue] = ["_index": .string(index), "_id": .string(id)]
            if let (seq, term) = ifSeqNo { meta["if_seq_no"] = .int(seq); meta["if_primary_term"] = .int(term) }
            JSONValue.object([source == nil ? "delete" : create ? "create" : "index": .object(meta)]).append(to: &lines)
            lines.append(0x0A)
            if let source { source.append(to: &lines); lines.append(0x0A) }
        }
    }

    public enum WriteResult: Equatable { case ok(seqNo: Int, primaryTerm: Int), conflict, failed(String) }

    /// Requests of at most this many writes: bounds the request body and the answer held in memory at once.
    static let writesPerRequest = 500

    /// - Parameter needSequenceNumbers: false when only failures matter; a request without any is then not parsed.
    @discardableResult
    public func write(_ writes: [Write], refresh: Bool = true, needSequenceNumbers: Bool = true) throws -> [WriteResult] {
        var results: [WriteResult] = []
        results.reserveCapacity(writes.count)
        for start in stride(from: 0, to: writes.count, by: Self.writesPerRequest) {
            let chunk = writes[start..<min(start + Self.writesPerRequest, writes.count)]
            var body: [UInt8] = []
            body.reserveCapacity(chunk.reduce(0) { $0 + $1.lines.count })
            for w in chunk { body += w.lines }
            // Only what is read back: a full item answer is ~250 bytes.
            let query = "?filter_path=errors,items.*.status,items.*._seq_no,items.*._primary_term,items.*.error.type,items.*.error.reason"
            let response = try client.request("POST", "/_bulk" + query + (refresh ? "&refresh=true" : ""), body: body,
                                              contentType: "application/x-ndjson")
            if response.isSuccess, !needSequenceNumbers, response.body.starts(with: Array(#"{"errors":false"#.utf8)) {
                results += Array(repeating: .ok(seqNo: -1, primaryTerm: -1), count: chunk.count)
                continue
            }
            guard response.isSuccess, let json = try? JSONValue(parsing: response.body),
                  let items = json["items"]?.arrayValue, items.count == chunk.count else {
                throw AlarmsError("writing alarm state: HTTP \(response.status): \(response.text.prefix(300))")
            }
            results += items.map { item in
                guard let result = item.objectValue?.values.first, result.objectValue != nil else { return .failed("no result") }
                let status = result["status"]?.intValue ?? 0
                if status == 409 { return .conflict }
                if (200..<300).contains(status) || status == 404 && item["delete"] != nil {
                    return .ok(seqNo: result["_seq_no"]?.intValue ?? -1, primaryTerm: result["_primary_term"]?.intValue ?? -1)
                }
                return .failed("\(status): \(result["error"]?.compactText ?? "")")
            }
        }
        return results
    }

    // MARK: Documents

    static func ruleDoc(_ rule: String, lastEnd: Double?, owner: String?, leaseUntil: Double) -> JSONValue {
        var doc: [String: JSONValue] = ["kind": "rule", "rule": .string(rule), "lease_until": .double(leaseUntil)]
        if let lastEnd { doc["last_end"] = .double(lastEnd); doc["last_end_time"] = .string(Timestamps.format(lastEnd)) }
        if let owner { doc["owner"] = .string(owner) }
        return .object(doc)
    }

    static func alarmsDoc(_ rule: String, _ records: [String: AlarmRecord]) -> JSONValue {
        ["kind": "alarms", "rule": .string(rule), "alarms": .array(records.keys.sorted().map { object(records[$0]!) })]
    }

    static func historyDoc(_ event: AlarmEvent, silenced: Bool) -> JSONValue {
        var doc: [String: JSONValue] = [
            "@timestamp": .string(Timestamps.format(event.time)), "event": ["kind": "alert", "action": .string(event.state.rawValue)],
            "rule": ["name": .string(event.rule)], "alarm": [
                "rule": .string(event.rule), "key": .string(event.key), "state": .string(event.state.rawValue),
                "severity": .string(event.severity), "value": .double(event.value), "subject": .string(event.subject),
                "text": .string(event.text), "raised_at": .string(Timestamps.format(event.raisedAt)),
                "notification": .int(event.notification), "silenced": .bool(silenced), "fields": JSONValue(event.fields),
            ],
            "message": .string(event.subject),
        ]
        if let host = event.host { doc["host"] = ["name": .string(host)] }
        return .object(doc)
    }

    static func historyID(_ event: AlarmEvent) -> String {
        "\(event.rule):\(event.key):\(Int(event.raisedAt * 1000)):\(event.state.rawValue):\(event.notification)"
    }

    // Records and events as dictionaries by hand rather than through JSONEncoder and back through
    // JSONSerialization: a cycle converts one per alarm, and the round trip cost more CPU than the searches.
    // The keys are AlarmRecord's and AlarmEvent's coding keys, which `load` decodes.

    static func object(_ r: AlarmRecord) -> JSONValue {
        ["rule": .string(r.rule), "key": .string(r.key), "fields": JSONValue(r.fields), "severity": .string(r.severity),
         "raised_at": .double(r.raisedAt), "last_notified": .double(r.lastNotified), "notifications": .int(r.notifications),
         "value": .double(r.value), "reason": .string(r.reason)]
    }

    static func object(_ e: AlarmEvent) -> JSONValue {
        var o: [String: JSONValue] = [
            "state": .string(e.state.rawValue), "rule": .string(e.rule), "key": .string(e.key), "fields": JSONValue(e.fields),
            "severity": .string(e.severity), "time": .double(e.time), "raised_at": .double(e.raisedAt), "value": .double(e.value),
            "subject": .string(e.subject), "text": .string(e.text), "notification": .int(e.notification)]
        if let reason = e.reason { o["reason"] = .string(reason) }
        if let aggregated = e.aggregated { o["aggregated"] = .array(aggregated.map(object)) }
        return .object(o)
    }
}

public struct AlarmsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
