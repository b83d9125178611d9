import Foundation
import JSON
import SavedObjects
import Setup
import Testing
import TestSupport

/// Every panel of every dashboard, sent to a live engine as the search the dashboard would send, must draw
/// something on the demo data; and the mappings take every dataset's documents and refuse a wrong type.
@Suite(.serialized) struct LiveDashboardsTests {
    static let farm = Result { try DemoFarm() }

    @Test func everyPanelReturnsDataOnTheDemoFarm() throws {
        let farm = try Self.farm.get()
        let range = PanelSearch.TimeRange(from: DemoFarm.range.from, to: DemoFarm.range.to, autoInterval: "1m")
        var checked = 0
        for file in try SavedObjectFile.files(in: RepoPaths.dashboards) {
            for search in try PanelSearch.searches(for: try SavedObjectFile.read(file), range: range) {
                let response = try farm.osmem.request("POST", search.path, body: search.body.compactText)
                #expect(response.status == 200, "\(search.objectID): HTTP \(response.status) \(String(describing: response.json))")
                let data = try JSONSerialization.data(withJSONObject: response.json ?? [:])
                let json = try JSONValue(parsing: Array(data))
                #expect(PanelSearch.hasResults(json), "\(search.objectID) (\(search.title)) is empty: \(search.body.compactText) → \(json.compactText.prefix(400))")
                checked += 1
            }
        }
        #expect(checked == 36)
    }

    /// The health panels on the demo day's samples: hosts in the order of their worst lag (a count order would
    /// put flp001 first: every host has 10 samples), and the table's sums are the samples' sums.
    @Test func theHealthPanelsPutTheWorstHostFirst() throws {
        let farm = try Self.farm.get()
        let range = PanelSearch.TimeRange(from: DemoFarm.range.from, to: DemoFarm.range.to, autoInterval: "1m")
        let results = try healthPanels(farm, range)
        let hosts = { (id: String) in (results[id]?[path: "aggregations.2.buckets"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue } }
        #expect(hosts("logbridge-health-worst-lag") == ["flp003", "flp004", "flp002", "flp001"])
        #expect(hosts("logbridge-health-pending-batches").first == "flp003")
        #expect(hosts("logbridge-health-dropped").first == "flp002")
        #expect(hosts("logbridge-health-per-host") == ["flp003", "flp004", "flp002", "flp001"])

        let rows = results["logbridge-health-per-host"]?[path: "aggregations.2.buckets"]?.arrayValue ?? []
        func row(_ host: String) -> [String: Double] {
            let bucket = rows.first { $0["key"]?.stringValue == host }?.objectValue ?? [:]
            return bucket.compactMapValues { $0["value"]?.doubleValue }
        }
        let sample = DemoFarm.healthDocuments.filter { $0.host == "flp003" }.count
        #expect(row("flp003") == ["1": 274.5, "3": Double(300 * sample), "4": Double(300 * sample - 2), "5": 0, "6": 2, "7": 0,
                                  "8": 3, "9": 1_795_911_000_000])
        #expect(row("flp002")["5"] == 12 && row("flp001")["7"] == 1 && row("flp004")["1"] == 0.9)
        let dropped = results["logbridge-health-dropped"]?[path: "aggregations.2.buckets"]?.arrayValue?.first
        #expect(dropped?[path: "1.value"]?.doubleValue == 12)
    }

    /// The sample the real shipper wrote when `ship --once` stopped (stamped now, outside the demo day) is what
    /// the table shows for its host: every shipped entry received and indexed, nothing lost.
    @Test func theHealthTableShowsTheShippersOwnSample() throws {
        let farm = try Self.farm.get()
        let stamp = { (offset: Double) in
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: Date(timeIntervalSinceNow: offset))
        }
        let range = PanelSearch.TimeRange(from: stamp(-86_400), to: stamp(3_600), autoInterval: "30m")
        let rows = try healthPanels(farm, range)["logbridge-health-per-host"]?[path: "aggregations.2.buckets"]?.arrayValue ?? []
        #expect(rows.count == 1, "\(rows)")
        let values = (rows.first?.objectValue ?? [:]).compactMapValues { $0["value"]?.doubleValue }
        #expect(values["3"] == Double(farm.entries) && values["4"] == Double(farm.entries), "\(values)")
        #expect(values["5"] == 0 && values["6"] == 0, "\(values)")
    }

    /// The answers of shipper-health.ndjson's panels on `logbridge-health-*`, by object id.
    private func healthPanels(_ farm: DemoFarm, _ range: PanelSearch.TimeRange) throws -> [String: JSONValue] {
        var results: [String: JSONValue] = [:]
        for search in try PanelSearch.searches(for: try SavedObjectFile.read(RepoPaths.dashboards + "/shipper-health.ndjson"),
                                               range: range) where search.index == "logbridge-health-*" {
            let response = try farm.osmem.request("POST", search.path, body: search.body.compactText)
            #expect(response.status == 200, "\(search.objectID): HTTP \(response.status)")
            results[search.objectID] = try JSONValue(parsing: Array(try JSONSerialization.data(withJSONObject: response.json ?? [:])))
        }
        #expect(results.count == 4)
        return results
    }

    @Test func aPanelOutsideTheDataIsEmpty() throws {
        // The check above can fail: the same searches over a day without data find nothing.
        let farm = try Self.farm.get()
        let range = PanelSearch.TimeRange(from: "2020-01-01T00:00:00Z", to: "2020-01-02T00:00:00Z", autoInterval: "1h")
        let objects = try SavedObjectFile.read(RepoPaths.dashboards + "/farm-overview.ndjson")
        for search in try PanelSearch.searches(for: objects, range: range) {
            let response = try farm.osmem.request("POST", search.path, body: search.body.compactText)
            let json = try JSONValue(parsing: Array(try JSONSerialization.data(withJSONObject: response.json ?? [:])))
            #expect(!PanelSearch.hasResults(json), "\(search.objectID)")
        }
    }

    @Test func theErrorFilterKeepsOnlyErrors() throws {
        let farm = try Self.farm.get()
        let range = PanelSearch.TimeRange(from: DemoFarm.range.from, to: DemoFarm.range.to, autoInterval: "1m")
        let objects = try SavedObjectFile.read(RepoPaths.dashboards + "/farm-overview.ndjson")
        let latest = try #require(try PanelSearch.searches(for: objects, range: range).first { $0.objectID == "logbridge-farm-latest-errors" })
        let response = try farm.osmem.request("POST", latest.path, body: latest.body.compactText)
        let hits = (((response.json as? [String: Any])?["hits"] as? [String: Any])?["hits"] as? [[String: Any]]) ?? []
        let levels = Set(hits.compactMap { (($0["_source"] as? [String: Any])?["log"] as? [String: Any])?["level"] as? String })
        #expect(!levels.isEmpty && levels.isSubset(of: ["emerg", "alert", "crit", "err"]), "\(levels)")
        let stamps = hits.compactMap { ($0["_source"] as? [String: Any])?["@timestamp"] as? String }
        #expect(stamps == stamps.sorted(by: >), "latest first")
    }

    /// One `log.level` vocabulary across datasets: the farm's error panels, written for the syslog keywords,
    /// find InfoLogger's E and F records too (16 of the 40: every fifth is E, every fifth F).
    @Test func theFarmErrorPanelsShowInfoLoggerErrors() throws {
        let farm = try Self.farm.get()
        let range = PanelSearch.TimeRange(from: DemoFarm.range.from, to: DemoFarm.range.to, autoInterval: "1m")
        let objects = try SavedObjectFile.read(RepoPaths.dashboards + "/farm-overview.ndjson")
        let searches = try PanelSearch.searches(for: objects, range: range)
        let infoLoggerOnly = JSONValue.object(["match_phrase": .object(["event.dataset": .string("infologger")])])
        for id in ["logbridge-farm-errors-by-host", "logbridge-farm-top-error-messages", "logbridge-farm-latest-errors"] {
            var search = try #require(searches.first { $0.objectID == id })
            let filters = search.body[path: "query.bool.filter"]?.arrayValue ?? []
            search.body = search.body.replacing(path: ["query", "bool", "filter"], with: .array(filters + [infoLoggerOnly]))
            let response = try farm.osmem.request("POST", search.path, body: search.body.compactText)
            let json = try JSONValue(parsing: Array(try JSONSerialization.data(withJSONObject: response.json ?? [:])))
            #expect(PanelSearch.hasResults(json), "\(id) finds no InfoLogger error: \(json.compactText.prefix(300))")
            if id == "logbridge-farm-errors-by-host" {
                let hosts = Set((json[path: "aggregations.2.buckets"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue })
                #expect(hosts == Set(DemoFarm.infoLoggerHosts), "\(hosts)")
                let count = (json[path: "aggregations.2.buckets"]?.arrayValue ?? []).compactMap { $0["doc_count"]?.intValue }.reduce(0, +)
                #expect(count == 16)
            }
        }
    }

    @Test func everyDatasetIndexesWithoutMappingErrorsAndAWrongTypeIsRefused() throws {
        let farm = try Self.farm.get()
        // Every index the farm holds was created by our templates and took every document (the bulk helper
        // throws on any item error); each has the mapping of its own template.
        let mapping = try farm.osmem.request("GET", "/logbridge-alarms-\(DemoFarm.day)/_mapping")
        let text = String(describing: mapping.json)
        #expect(text.contains("first_seen") && text.contains("date_nanos"))
        let state = try farm.osmem.request("GET", "/logbridge-alarms-state/_mapping")
        #expect(!String(describing: state.json).contains("first_seen"), "the state index must not get the event template")

        let wrong: [(String, String)] = [
            ("logs-system.journal-\(DemoFarm.day)", #"{"@timestamp":"2026-11-29T00:00:00Z","process":{"pid":"not-a-number"}}"#),
            ("logs-infologger-\(DemoFarm.day)", #"{"@timestamp":"2026-11-29T00:00:00Z","infologger":{"run":"run-two"}}"#),
            ("logs-system.syslog-\(DemoFarm.day)", #"{"@timestamp":"2026-11-29T00:00:00Z","source":{"ip":"not-an-ip"}}"#),
            ("logbridge-alarms-\(DemoFarm.day)", #"{"@timestamp":"2026-11-29T00:00:00Z","alarm":{"count":"many"}}"#),
        ]
        for (index, source) in wrong {
            #expect(throws: TestError.self, "\(index) accepted \(source)") { try farm.bulk([(index, source)]) }
        }
        try farm.bulk([("logs-system.syslog-\(DemoFarm.day)",
                        #"{"@timestamp":"2026-11-29T00:00:00.000001Z","source":{"ip":"10.1.2.3"},"log":{"syslog":{"hostname":"flp001","version":"1"}},"message":"ok"}"#)])
    }
}
