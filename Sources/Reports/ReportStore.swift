import Bulk
import Foundation
import JSON
import Setup

/// The `logbridge-reports` index: one document per report, so past reports can be listed
/// (`logbridge report list`) and shown again (`logbridge report show ID`) without keeping files.
///
/// A document holds the period, the kind, when it was generated, the headline figures and each section's
/// status as indexed fields (a table of reports is one search), and the whole report under `report.body`,
/// an object the cluster stores but does not index (`enabled: false`): its keys vary with the farm (detector
/// names, severities), and indexing them would grow the mapping with every new host.
///
/// The `_id` is deterministic, so a rerun replaces the stored report instead of adding a second one:
/// `<kind>_<from>_<to>` (times as `20261201T080000000Z`), and `run_<N>` for `--run N`, whose period grows
/// while the run's last messages arrive, so that the report written after the run replaces the one written
/// during it.
public struct ReportStore {
    public static let index = "logbridge-reports"

    /// How the period was given on the command line.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case shift, run, last, fromTo = "from-to"
    }

    /// The mapping the index is created with when `logbridge setup` has not installed the template; the
    /// same as `Mappings/components/logbridge-reports.json` (a test compares them).
    public static let mapping = #"""
        {"dynamic":false,"properties":{"@timestamp":{"type":"date"},"report":{"properties":{\#
        "body":{"enabled":false,"type":"object"},"came_back":{"type":"keyword"},"error_rate_hosts":{"type":"keyword"},\#
        "figures":{"properties":{"alarms_active_at_end":{"type":"long"},"alarms_raised":{"type":"long"},\#
        "dead_letters":{"type":"long"},"documents":{"type":"long"},"documents_previous":{"type":"long"},\#
        "errors":{"type":"long"},"errors_previous":{"type":"long"},"hosts":{"type":"long"},"new_patterns":{"type":"long"},\#
        "silent_hosts":{"type":"long"}}},"from":{"type":"date"},"generated_at":{"type":"date"},"id":{"type":"keyword"},\#
        "kind":{"type":"keyword"},"requests":{"type":"long"},"run":{"type":"long"},"sections":{"properties":{\#
        "alarms":{"type":"keyword"},"dead_letters":{"type":"keyword"},"errors":{"type":"keyword"},"hosts":{"type":"keyword"},\#
        "infologger":{"type":"keyword"},"new_patterns":{"type":"keyword"},"shipper":{"type":"keyword"},"volume":{"type":"keyword"}}},\#
        "silent_hosts":{"type":"keyword"},"to":{"type":"date"},"unreadable":{"type":"keyword"}}}}}
        """#

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// One line of `report list`.
    public struct Entry: Sendable, Equatable {
        public var id: String
        public var kind: String
        public var from: String
        public var to: String
        public var generatedAt: String
        public var errors: Int?
        public var alarmsRaised: Int?
        public var newPatterns: Int?
        public var unreadable: [String]
    }

    let client: ClusterClient

    public init(client: ClusterClient) { self.client = client }

    public static func id(kind: Kind, run: Int? = nil, period: PeriodInfo) -> String {
        if kind == .run, let run { return "run_\(run)" }
        func compact(_ t: String) -> String { t.filter { $0 != "-" && $0 != ":" && $0 != "." } }
        return "\(kind.rawValue)_\(compact(period.from))_\(compact(period.to))"
    }

    /// The document stored for `report`.
    static func document(_ report: Report, kind: Kind, run: Int?, id: String) throws -> JSONValue {
        let body = try JSONValue(parsing: try ReportJSON.render(report))
        var figures: [String: JSONValue] = [:]
        if let v = report.volume.data {
            figures["documents"] = .int(v.total.count); figures["documents_previous"] = .int(v.total.previous)
            figures["hosts"] = .int(v.hosts.count)
        }
        if let e = report.errors.data { figures["errors"] = .int(e.total.count); figures["errors_previous"] = .int(e.total.previous) }
        if report.errors.status == .empty { figures["errors"] = 0 }
        if let a = report.alarms.data {
            figures["alarms_raised"] = .int(a.rules.reduce(0) { $0 + $1.raised })
            figures["alarms_active_at_end"] = .int(a.rules.reduce(0) { $0 + $1.activeAtEnd })
        }
        if let p = report.newPatterns.data { figures["new_patterns"] = .int(p.count) }
        if let d = report.deadLetters.data { figures["dead_letters"] = .int(d.total.count) }
        if let h = report.hosts.data { figures["silent_hosts"] = .int(h.silent.count) }
        var sections: [String: JSONValue] = [:]
        for s in report.sectionStatuses { sections[s.name] = .string(s.status.rawValue) }
        var doc: [String: JSONValue] = [
            "id": .string(id), "kind": .string(kind.rawValue), "from": .string(report.period.from), "to": .string(report.period.to),
            "generated_at": .string(report.period.generatedAt), "figures": .object(figures), "sections": .object(sections),
            "silent_hosts": JSONValue(report.hosts.data?.silent.map(\.host) ?? []),
            "came_back": JSONValue(report.hosts.data?.cameBack.map(\.host) ?? []),
            "error_rate_hosts": JSONValue(report.hosts.data?.errorRate.map(\.host) ?? []),
            "unreadable": JSONValue(report.unreadableSections), "requests": .int(report.requests), "body": body,
        ]
        if let run { doc["run"] = .int(run) }
        return ["@timestamp": .string(report.period.generatedAt), "report": .object(doc)]
    }

    /// Stores the report under its id (replacing an earlier one), creating the index with `mapping` when
    /// setup has not. Returns the id.
    @discardableResult
    public func store(_ report: Report, kind: Kind, run: Int? = nil) throws -> String {
        let id = Self.id(kind: kind, run: run, period: report.period)
        let doc = try Self.document(report, kind: kind, run: run, id: id)
        try prepare()
        let response = try client.request("PUT", "/\(Self.index)/_doc/\(id)?refresh=true", body: doc.compactBytes)
        guard response.isSuccess else {
            throw Failure(description: "\(Self.index): storing \(id) answered HTTP \(response.status): \(response.text.prefix(300))")
        }
        return id
    }

    /// Creates the index when it does not exist (setup installs a template giving it the same mapping).
    func prepare() throws {
        let head = try client.request("HEAD", "/\(Self.index)")
        guard head.status == 404 else { return }
        let body = #"{"settings":{"index":{"number_of_shards":1}},"mappings":"# + Self.mapping + "}"
        let response = try client.request("PUT", "/\(Self.index)", body: Array(body.utf8))
        guard response.isSuccess || response.text.contains("already_exists") else {
            throw Failure(description: "creating \(Self.index): HTTP \(response.status): \(response.text.prefix(300))")
        }
    }

    /// Stored reports whose period ended at or after `since`, newest period first.
    public func list(since: Double?, limit: Int) throws -> [Entry] {
        var query: JSONValue = ["match_all": .object([:])]
        if let since { query = ["range": ["report.to": ["gte": .string(ReportTime.format(since))]]] }
        let search: JSONValue = [
            "size": .int(limit), "query": query,
            "sort": [["report.to": ["order": "desc"]], ["report.generated_at": ["order": "desc"]]],
            "_source": ["report.id", "report.kind", "report.from", "report.to", "report.generated_at", "report.figures", "report.unreadable"],
        ]
        let response = try client.request("POST", "/\(Self.index)/_search", body: search.compactBytes)
        if response.status == 404 { return [] }
        guard response.isSuccess else {
            throw Failure(description: "\(Self.index): the search answered HTTP \(response.status): \(response.text.prefix(300))")
        }
        let answer = try JSONValue(parsing: response.body)
        return (answer[path: "hits.hits"]?.arrayValue ?? []).compactMap { hit in
            guard let r = hit["_source"]?["report"] else { return nil }
            func figure(_ name: String) -> Int? { r["figures"]?[name]?.intValue }
            return Entry(id: r["id"]?.stringValue ?? hit["_id"]?.stringValue ?? "?", kind: r["kind"]?.stringValue ?? "?",
                         from: r["from"]?.stringValue ?? "", to: r["to"]?.stringValue ?? "",
                         generatedAt: r["generated_at"]?.stringValue ?? "", errors: figure("errors"),
                         alarmsRaised: figure("alarms_raised"), newPatterns: figure("new_patterns"),
                         unreadable: (r["unreadable"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }

    /// The stored report `id`, as it was generated; throws `Failure` naming the id when there is none.
    public func fetch(_ id: String) throws -> Report {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw Failure(description: "\(id): not a report id (see `logbridge report list`)")
        }
        let response = try client.request("GET", "/\(Self.index)/_doc/\(id)")
        if response.status == 404 {
            throw Failure(description: "no stored report \(id) in \(Self.index) (see `logbridge report list`)")
        }
        guard response.isSuccess else {
            throw Failure(description: "\(Self.index): reading \(id) answered HTTP \(response.status): \(response.text.prefix(300))")
        }
        guard let body = (try? JSONValue(parsing: response.body))?[path: "_source.report.body"], body.objectValue != nil else {
            throw Failure(description: "\(Self.index): \(id) holds no report body")
        }
        do { return try JSONDecoder().decode(Report.self, from: Data(body.compactBytes)) } catch {
            throw Failure(description: "\(Self.index): \(id) could not be read as a report: \(error)")
        }
    }
}
