import ArgumentParser
import Bulk
import Config
import ECS
import Foundation
import JSON
import Reports
import Setup

/// `patterns list` and `patterns show ID`: the catalogue the shippers write (`logbridge-patterns-*`, one document
/// per pattern, host and input), read back as one line per pattern farm-wide.
struct PatternsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the patterns of the catalogue: messages, hosts, first and last seen, template.",
        discussion: """
            Reads logbridge-patterns-* from the cluster in the configuration. Counts are the shippers' own \
            (messages since a host first saw the pattern), summed over hosts. Example: \
            logbridge patterns list --new --since 8h   (patterns seen for the first time in the last 8 hours)
            """)
    @Option(help: "Configuration file (its output section names the cluster).")
    var config: String = "/etc/logbridge/logbridge.yaml"
    @Option(help: "Only patterns seen in this period (e.g. 30m, 8h, 7d).") var since: String = "7d"
    @Flag(help: "Only patterns first seen in the period, newest first.") var new = false
    @Option(help: "Only this host.") var host: String?
    @Option(help: "Only this dataset (e.g. system.journal).") var dataset: String?
    @Option(help: "Most patterns printed.") var limit: Int = 50
    @Flag(help: "One JSON object per pattern instead of a table.") var json = false

    func run() throws {
        let cfg = try loadConfig(config, purpose: .clusterOnly)
        guard let seconds = ReportTime.span(since) else { throw ValidationError("--since: expected e.g. 30m, 8h or 7d, got \(since)") }
        let cutoff = Date().addingTimeInterval(-seconds)
        var filters: [String] = [#"{"range":{"log.pattern.last_seen":{"gte":"\#(isoSeconds(cutoff))Z"}}}"#]
        if let host { filters.append(#"{"term":{"host.name":\#(jsonString(host))}}"#) }
        if let dataset { filters.append(#"{"term":{"data_stream.dataset":\#(jsonString(dataset))}}"#) }
        let catalogue = PatternCatalogueReader(client: ClusterClient(settings: cfg.output))
        var rows = try catalogue.patterns(filters: filters)
        if new {
            rows = rows.filter { $0.firstSeen >= isoSeconds(cutoff) }.sorted { $0.firstSeen > $1.firstSeen }
        }
        let shown = rows.prefix(limit)
        if json {
            for r in shown { print(r.json()) }
            return
        }
        if rows.isEmpty {
            print("No pattern in logbridge-patterns-* \(new ? "first seen" : "seen") in the last \(since)"
                  + (host.map { " on \($0)" } ?? "") + ". Is the shipper running with patterns on, and has it written "
                  + "its catalogue yet (every patterns.catalogue_interval, 30 s by default)?")
            return
        }
        print(pad("messages", 12) + pad("hosts", 6) + pad("first seen", 21) + pad("last seen", 21) + pad("pattern id", 18) + "template")
        for r in shown {
            print(pad(String(r.count), 12) + pad(String(r.hosts.count), 6) + pad(r.firstSeen, 21) + pad(r.lastSeen, 21)
                  + pad(r.id, 18) + r.template)
        }
        if rows.count > shown.count { print("(\(rows.count - shown.count) more; --limit)") }
    }
}

struct PatternsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one pattern: template, example, where and when it was seen, and its latest messages.",
        discussion: "Example: logbridge patterns show 3f2a9c0d11e4b5a7")
    @Argument(help: "The pattern id (16 hex digits, as in log.pattern.id).") var id: String
    @Option(help: "Configuration file (its output section names the cluster).")
    var config: String = "/etc/logbridge/logbridge.yaml"
    @Option(help: "Latest messages printed.") var messages: Int = 5

    func run() throws {
        let id = self.id.lowercased()
        guard id.count == 16, id.allSatisfy(\.isHexDigit) else {
            throw ValidationError("a pattern id is 16 hex digits (the value of log.pattern.id), got \(self.id)")
        }
        let cfg = try loadConfig(config, purpose: .clusterOnly)
        let client = ClusterClient(settings: cfg.output)
        let catalogue = PatternCatalogueReader(client: client)
        let filter = #"{"bool":{"should":[{"term":{"log.pattern.id":"\#(id)"}},{"term":{"log.pattern.aliases":"\#(id)"}}]}}"#
        let docs = try catalogue.documents(filters: [filter])
        guard let row = PatternCatalogueReader.merge(docs).first(where: { $0.id == id }) ?? PatternCatalogueReader.merge(docs).first else {
            throw ValidationFailure("pattern \(id) is not in logbridge-patterns-* (unknown id, or the catalogue was not written yet)")
        }
        if row.id != id { print("\(id) was folded into the wider pattern \(row.id) (an alias): showing that one.") }
        print("pattern    \(row.id)")
        print("template   \(row.template)")
        print("example    \(row.example)")
        print("messages   \(row.count) on \(row.hosts.count) host(s), first seen \(row.firstSeen), last seen \(row.lastSeen)")
        print("datasets   \(row.datasets.sorted().joined(separator: ", "))")
        for (host, count) in row.hosts.sorted(by: { $0.value > $1.value }).prefix(20) { print("  \(pad(host, 30)) \(count)") }
        let search = #"{"size":\#(messages),"sort":[{"@timestamp":{"order":"desc"}}],"query":{"terms":{"log.pattern.id":["\#(id)","\#(row.id)"]}},"_source":["@timestamp","host.name","message"]}"#
        let response = try client.request("POST", "/logs-*/_search?ignore_unavailable=true&allow_no_indices=true", body: Array(search.utf8))
        guard response.isSuccess, let hits = try JSONValue(parsing: response.body)[path: "hits.hits"]?.arrayValue else { return }
        if !hits.isEmpty { print("latest messages:") }
        for hit in hits {
            let s = hit["_source"]
            let at = s?["@timestamp"]?.stringValue ?? ""
            let host = s?[path: "host.name"]?.stringValue ?? s?["host"]?["name"]?.stringValue ?? "-"
            print("  \(at.prefix(19)) \(host) \(s?["message"]?.stringValue ?? "")")
        }
    }
}

/// One pattern farm-wide: the catalogue's documents for it merged (latest document per host and input).
struct CataloguePattern {
    var id: String
    var template = ""
    var example = ""
    var count = 0
    var firstSeen = ""
    var lastSeen = ""
    var hosts: [String: Int] = [:]
    var datasets: Set<String> = []

    func json() -> String {
        let hostList = hosts.keys.sorted().map(jsonString).joined(separator: ",")
        return #"{"pattern_id":"\#(id)","template":\#(jsonString(template)),"example":\#(jsonString(example)),"count":\#(count),"first_seen":"\#(firstSeen)","last_seen":"\#(lastSeen)","hosts":[\#(hostList)],"datasets":[\#(datasets.sorted().map(jsonString).joined(separator: ","))]}"#
    }
}

struct PatternCatalogueReader {
    let client: ClusterClient

    struct Document {
        var id, template, example, host, input, dataset, firstSeen, lastSeen: String
        var count: Int
    }

    /// Up to 10,000 catalogue documents, most recently seen first.
    func documents(filters: [String]) throws -> [Document] {
        let body = #"{"size":10000,"sort":[{"@timestamp":{"order":"desc"}}],"query":{"bool":{"filter":[\#(filters.joined(separator: ","))]}}}"#
        let response = try client.request("POST", "/logbridge-patterns-*/_search?ignore_unavailable=true&allow_no_indices=true",
                                          body: Array(body.utf8))
        guard response.isSuccess else {
            throw ValidationFailure("the catalogue search failed (HTTP \(response.status)): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        let hits = try JSONValue(parsing: response.body)[path: "hits.hits"]?.arrayValue ?? []
        return hits.compactMap { hit in
            guard let s = hit["_source"], let p = s["log"]?["pattern"], let id = p["id"]?.stringValue else { return nil }
            return Document(id: id, template: p["template"]?.stringValue ?? "", example: p["example"]?.stringValue ?? "",
                            host: s["host"]?["name"]?.stringValue ?? "-", input: s["logbridge"]?["input"]?.stringValue ?? "",
                            dataset: s["data_stream"]?["dataset"]?.stringValue ?? "",
                            firstSeen: String((p["first_seen"]?.stringValue ?? "").prefix(19)),
                            lastSeen: String((p["last_seen"]?.stringValue ?? "").prefix(19)),
                            count: p["count"]?.intValue ?? 0)
        }
    }

    func patterns(filters: [String]) throws -> [CataloguePattern] { Self.merge(try documents(filters: filters)) }

    /// The latest document per (pattern, host, input) counts (earlier months hold older totals), most messages first.
    static func merge(_ docs: [Document]) -> [CataloguePattern] {
        var latest: [String: Document] = [:]
        for d in docs {
            let key = d.id + "\u{0}" + d.host + "\u{0}" + d.input
            if let seen = latest[key], seen.lastSeen >= d.lastSeen { continue }
            latest[key] = d
        }
        var byID: [String: CataloguePattern] = [:]
        for d in latest.values {
            var p = byID[d.id] ?? CataloguePattern(id: d.id, firstSeen: d.firstSeen, lastSeen: d.lastSeen)
            p.count += d.count
            p.hosts[d.host, default: 0] += d.count
            if !d.dataset.isEmpty { p.datasets.insert(d.dataset) }
            if d.firstSeen < p.firstSeen { p.firstSeen = d.firstSeen }
            if d.lastSeen >= p.lastSeen || p.template.isEmpty { p.lastSeen = max(p.lastSeen, d.lastSeen); p.template = d.template; p.example = d.example }
            byID[d.id] = p
        }
        return byID.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.id < $1.id }
    }
}

/// `2026-12-02T10:00:00`, the prefix the catalogue's timestamps are compared on.
func isoSeconds(_ date: Date) -> String { String(ReportTime.format(date.timeIntervalSince1970).prefix(19)) }

/// A JSON string literal, escaped by the encoders' own writer.
func jsonString(_ s: String) -> String {
    var out: [UInt8] = []
    JSONBytes.appendString(s, to: &out)
    return String(decoding: out, as: UTF8.self)
}

private func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
