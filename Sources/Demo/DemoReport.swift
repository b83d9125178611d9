import Foundation

/// The text `make demo` prints after shipping: what reached the cluster, asked with a few searches on
/// `logs-*` — documents per host and level, per dataset, which programs logged errors, and the latest errors.
///
/// It talks through `send`, so the caller decides how (the cluster client, with its auth and TLS); the report
/// only needs `POST` with a JSON body. Foundation's JSON is fine here: a handful of small responses.
public struct DemoReport {
    /// `(method, path, body) -> (status, body)`; `path` starts with `/`.
    public typealias Send = (_ method: String, _ path: String, _ body: [UInt8]?) throws -> (status: Int, body: [UInt8])

    public let indexPattern: String
    public let maxHosts: Int
    private let send: Send

    public init(indexPattern: String = "logs-*", maxHosts: Int = 40, send: @escaping Send) {
        self.indexPattern = indexPattern
        self.maxHosts = maxHosts
        self.send = send
    }

    static let levels = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]

    public func render() throws -> String {
        // Documents shipped a moment ago are only searchable after a refresh; failing to refresh is not fatal.
        _ = try? send("POST", "/\(indexPattern)/_refresh", nil)
        let overview = try search([
            "size": 0, "track_total_hits": true,
            "aggs": [
                "first": ["min": ["field": "@timestamp"]],
                "last": ["max": ["field": "@timestamp"]],
                "datasets": ["terms": ["field": "event.dataset", "size": 20]],
                "levels": ["terms": ["field": "log.level", "size": 10]],
                "hosts": ["terms": ["field": "host.name", "size": maxHosts, "order": ["_key": "asc"]],
                          "aggs": ["levels": ["terms": ["field": "log.level", "size": 10]]]],
                "errors": ["filter": Self.errorFilter,
                           "aggs": ["programs": ["terms": ["field": "log.syslog.appname", "size": 10]]]],
            ],
        ])
        let latestErrors = try search([
            "size": 10, "query": Self.errorFilter, "sort": [["@timestamp": ["order": "desc"]]],
            "_source": ["@timestamp", "host.name", "systemd.unit", "log.syslog.appname", "log.level", "message"],
        ])

        var text = ""
        let total = ((overview["hits"] as? [String: Any])?["total"] as? [String: Any])?["value"] as? Int ?? 0
        let aggs = overview["aggregations"] as? [String: Any] ?? [:]
        text += "\(total) documents in \(indexPattern)"
        if let first = Self.dateString(aggs["first"]), let last = Self.dateString(aggs["last"]) {
            text += ", \(first) … \(last)"
        }
        text += "\n\nDocuments per dataset\n"
        for (key, count) in Self.buckets(aggs["datasets"]) { text += "  \(Self.pad(key, 40)) \(Self.number(count))\n" }
        text += hostTable(aggs["hosts"], overall: aggs["levels"])
        text += "\nPrograms with errors (severity ≤ err)\n"
        let programs = Self.buckets((aggs["errors"] as? [String: Any])?["programs"])
        if programs.isEmpty { text += "  none\n" }
        for (key, count) in programs { text += "  \(Self.pad(key, 24)) \(Self.number(count))\n" }
        text += "\nLatest errors\n"
        text += latestErrorLines(latestErrors)
        return text
    }

    private static var errorFilter: [String: Any] { ["range": ["log.syslog.severity.code": ["lte": 3]]] }

    private func hostTable(_ hostsAgg: Any?, overall: Any?) -> String {
        let hosts = (hostsAgg as? [String: Any])?["buckets"] as? [[String: Any]] ?? []
        var text = "\nDocuments per host and level\n"
        let header = [Self.pad("host", 12)] + Self.levels.map { Self.padLeft($0, 8) } + [Self.padLeft("total", 9)]
        text += "  " + header.joined(separator: " ") + "\n"
        func line(_ name: String, _ counts: [String: Int], _ total: Int) -> String {
            let cells = [Self.pad(name, 12)] + Self.levels.map { Self.padLeft(Self.number(counts[$0] ?? 0), 8) }
                + [Self.padLeft(Self.number(total), 9)]
            return "  " + cells.joined(separator: " ") + "\n"
        }
        for host in hosts {
            let counts = Dictionary(Self.buckets(host["levels"]), uniquingKeysWith: +)
            text += line(host["key"] as? String ?? "?", counts, host["doc_count"] as? Int ?? 0)
        }
        if let others = (hostsAgg as? [String: Any])?["sum_other_doc_count"] as? Int, others > 0 {
            text += "  … \(Self.number(others)) documents from further hosts\n"
        }
        let overallCounts = Dictionary(Self.buckets(overall), uniquingKeysWith: +)
        text += line("all hosts", overallCounts, overallCounts.values.reduce(0, +))
        return text
    }

    private func latestErrorLines(_ response: [String: Any]) -> String {
        let hits = (response["hits"] as? [String: Any])?["hits"] as? [[String: Any]] ?? []
        if hits.isEmpty { return "  none\n" }
        return hits.map { hit -> String in
            let source = hit["_source"] as? [String: Any] ?? [:]
            let time = source["@timestamp"] as? String ?? "?"
            let host = Self.lookup(source, "host.name") ?? "?"
            let program = Self.lookup(source, "systemd.unit") ?? Self.lookup(source, "log.syslog.appname") ?? "?"
            let level = Self.lookup(source, "log.level") ?? "?"
            var message = source["message"] as? String ?? ""
            if let newline = message.firstIndex(of: "\n") { message = message[..<newline] + " …" }
            if message.count > 110 { message = message.prefix(109) + "…" }
            return "  \(time) \(host) \(program) [\(level)] \(message)\n"
        }.joined()
    }

    private func search(_ query: [String: Any]) throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: query)
        let (status, response) = try send("POST", "/\(indexPattern)/_search", Array(body))
        guard (200..<300).contains(status) else {
            throw DemoReportError(status: status, body: String(decoding: response.prefix(500), as: UTF8.self))
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(response)) as? [String: Any] else {
            throw DemoReportError(status: status, body: "not a JSON object")
        }
        return object
    }

    // MARK: reading responses

    private static func buckets(_ agg: Any?) -> [(String, Int)] {
        let list = (agg as? [String: Any])?["buckets"] as? [[String: Any]] ?? []
        return list.map { ("\($0["key"] ?? "?")", $0["doc_count"] as? Int ?? 0) }
    }

    private static func dateString(_ agg: Any?) -> String? { (agg as? [String: Any])?["value_as_string"] as? String }

    /// `_source` may hold `host.name` nested (`{"host":{"name":…}}`) or as a dotted key; both are valid.
    private static func lookup(_ source: [String: Any], _ path: String) -> String? {
        if let flat = source[path] { return "\(flat)" }
        var current: Any? = source
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current.map { "\($0)" }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private static func number(_ value: Int) -> String {
        let digits = String(value)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return grouped
    }
}

public struct DemoReportError: Error, CustomStringConvertible {
    public let status: Int
    public let body: String
    public var description: String { "search failed with HTTP \(status): \(body)" }
}
