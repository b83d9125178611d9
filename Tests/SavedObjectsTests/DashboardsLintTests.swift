import Foundation
import JSON
import SavedObjects
import Setup
import Testing
import TestSupport

/// `make test` runs this over the real `Dashboards/`: the lint of the repository must pass. The other tests
/// break one rule each in a copy and expect lint to name it.
@Suite struct DashboardsLintTests {
    let linter: DashboardLinter

    init() throws { linter = DashboardLinter(mappings: try RepoPaths.mappingSet()) }

    @Test func theRepositoryDashboardsPassLint() throws {
        let problems = try linter.lint(directory: RepoPaths.dashboards)
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
        let files = try SavedObjectFile.files(in: RepoPaths.dashboards).map { ($0 as NSString).lastPathComponent }
        #expect(files == ["alarms.ndjson", "farm-overview.ndjson", "host-drilldown.ndjson", "infologger.ndjson",
                          "patterns.ndjson", "shipper-health.ndjson"])
    }

    @Test func everyDashboardFileHoldsOneDashboardAndItsIndexPatterns() throws {
        for file in try SavedObjectFile.files(in: RepoPaths.dashboards) {
            let objects = try SavedObjectFile.read(file)
            #expect(objects.filter { $0.type == "dashboard" }.count == 1, "\(file)")
            #expect(objects.contains { $0.type == "index-pattern" }, "\(file)")
        }
        let titles = try SavedObjectFile.files(in: RepoPaths.dashboards).flatMap { try SavedObjectFile.read($0) }
            .filter { $0.type == "index-pattern" }.map { $0.json[path: "attributes.title"]?.stringValue ?? "" }
        #expect(Set(titles) == ["logs-*", "logbridge-dlq-*", "logbridge-alarms-2*", "logbridge-patterns-2*", "logbridge-health-*"])
    }

    /// A copy of the repository's directory with one file's text replaced by `edit`, linted.
    private func lintEdited(_ name: String, _ edit: (String) -> String) throws -> [String] {
        let dir = try temporaryDirectory("lb-dash-lint")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for file in try SavedObjectFile.files(in: RepoPaths.dashboards) {
            var text = try String(contentsOfFile: file, encoding: .utf8)
            if (file as NSString).lastPathComponent == name { text = edit(text) }
            try text.write(toFile: dir + "/" + (file as NSString).lastPathComponent, atomically: true, encoding: .utf8)
        }
        return try linter.lint(directory: dir).map(\.description)
    }

    @Test func aFieldMissingFromMappingsIsNamed() throws {
        let problems = try lintEdited("farm-overview.ndjson") { $0.replacingOccurrences(of: #"\"field\":\"systemd.unit\""#, with: #"\"field\":\"systemd.unitt\""#) }
        #expect(problems.count == 1)
        #expect(problems.first?.contains("farm-overview.ndjson:4: logbridge-farm-top-units: field systemd.unitt (a terms aggregation) is not mapped for logs-*") == true, "\(problems)")
    }

    @Test func aTextFieldCannotBeAggregated() throws {
        let problems = try lintEdited("farm-overview.ndjson") { $0.replacingOccurrences(of: #"\"field\":\"message.keyword\""#, with: #"\"field\":\"message\""#) }
        #expect(problems == [try #require(problems.first)])
        #expect(problems.first?.contains("field message is text, which cannot be aggregated") == true, "\(problems)")
    }

    @Test func aDateHistogramNeedsADateField() throws {
        let problems = try lintEdited("alarms.ndjson") {
            $0.replacingOccurrences(of: #"\"field\":\"@timestamp\",\"interval\""#, with: #"\"field\":\"alarm.count\",\"interval\""#)
        }
        #expect(problems.contains { $0.contains("field alarm.count is long, which cannot be used in a date histogram") }, "\(problems)")
    }

    @Test func anUnresolvedReferenceIsNamed() throws {
        let problems = try lintEdited("alarms.ndjson") { $0.replacingOccurrences(of: #""name":"panel_1""#, with: #""name":"panel_9""#) }
        #expect(problems.contains { $0.contains("logbridge-alarms: panelRefName panel_1 names no reference") }, "\(problems)")
    }

    @Test func aFileNotInNormalFormNamesTheFormatCommand() throws {
        let problems = try lintEdited("alarms.ndjson") { text in
            text.split(separator: "\n").map { line in
                let object = try! JSONSerialization.jsonObject(with: Data(line.utf8))
                return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]), as: UTF8.self)
                    .replacingOccurrences(of: "\n", with: "")
            }.joined(separator: "\n") + "\n"
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasSuffix("alarms.ndjson: not in normal form; run `logbridge dashboards format`") == true, "\(problems)")
    }

    @Test func formattingRestoresNormalFormAndChangesNothingElse() throws {
        let file = RepoPaths.dashboards + "/alarms.ndjson"
        let objects = try SavedObjectFile.read(file)
        var messy = objects
        messy[1].json = messy[1].json.setting("updated_at", to: .string("2026-11-29T00:00:00Z"))
        let pretty = try #require(messy[1].json[path: "attributes.visState"]).stringValue.map { try JSONValue(parsing: $0).prettyText }
        messy[1].json = messy[1].json.replacing(path: ["attributes", "visState"], with: .string(try #require(pretty)))
        #expect(try SavedObjectFile.normalText(messy) == String(contentsOfFile: file, encoding: .utf8))
    }

    @Test func aMigrationVersionNewerThanOpenSearchDashboardsKnowsIsRefused() throws {
        let problems = try lintEdited("alarms.ndjson") { $0.replacingOccurrences(of: #""visualization":"7.10.0""#, with: #""visualization":"8.5.0""#) }
        #expect(problems.contains { $0.contains("migrationVersion 8.5.0 is newer than OpenSearch Dashboards knows (7.10.0)") }, "\(problems)")
    }

    @Test func anIdMeansOneObjectEverywhere() throws {
        let problems = try lintEdited("shipper-health.ndjson") { $0.replacingOccurrences(of: #""title":"logs-*""#, with: #""title":"logs-system.*""#) }
        #expect(problems.contains { $0.contains("logbridge-logs: differs from the object with the same id") }, "\(problems)")
    }

    // What the review of issue #16 found in the shipped files, put back one at a time: lint must name each.

    @Test func aFixedIntervalBeyondMaxBarsOverTheDashboardRangeIsNamed() throws {
        let problems = try lintEdited("shipper-health.ndjson") {
            $0.replacingOccurrences(of: #"\"interval\":\"auto\",\"min_doc_count\":1,\"scaleMetricValues\":false},\"schema\":\"segment\",\"type\":\"date_histogram\"},{\"enabled\":true,\"id\":\"3\",\"params\":{\"field\":\"host.name\""#,
                                    with: #"\"interval\":\"m\",\"min_doc_count\":1,\"scaleMetricValues\":false},\"schema\":\"segment\",\"type\":\"date_histogram\"},{\"enabled\":true,\"id\":\"3\",\"params\":{\"field\":\"host.name\""#)
        }
        #expect(problems == [try #require(problems.first)], "\(problems)")
        #expect(problems.first?.contains("logbridge-health-docs-per-host-per-minute: aggregation 2: interval m over the dashboard's time range asks for 1440 buckets; both applications draw at most 100") == true, "\(problems)")
    }

    @Test func nestedBucketsBeyondTheEngineLimitAreNamed() throws {
        let problems = try lintEdited("shipper-health.ndjson") {
            $0.replacingOccurrences(of: #"\"otherBucket\":false,\"size\":100}"#, with: #"\"otherBucket\":false,\"size\":250}"#)
        }
        #expect(problems == [try #require(problems.first)], "\(problems)")
        #expect(problems.first?.contains("its aggregations nest up to 125000 buckets") == true, "\(problems)")
    }

    @Test func aSplitRowInItsPreSevenSevenPlaceUnderA710StampIsNamed() throws {
        let problems = try lintEdited("shipper-health.ndjson") {
            $0.replacingOccurrences(of: #"\"otherBucket\":false,\"size\":5},\"schema\":\"split\""#,
                                    with: #"\"otherBucket\":false,\"row\":true,\"size\":5},\"schema\":\"split\""#)
                .replacingOccurrences(of: #"\"legendPosition\":\"right\",\"row\":true,\"type\":\"line\""#,
                                      with: #"\"legendPosition\":\"right\",\"type\":\"line\""#)
        }
        #expect(problems == [try #require(problems.first)], "\(problems)")
        #expect(problems.first?.contains("row sits on the split aggregation, the place before 7.7.0; stamped 7.10.0") == true, "\(problems)")
        // The same content stamped 7.6.0 is what that version wrote: the application migrates it on import.
        let older = try lintEdited("shipper-health.ndjson") {
            $0.replacingOccurrences(of: #"\"otherBucket\":false,\"size\":5},\"schema\":\"split\""#,
                                    with: #"\"otherBucket\":false,\"row\":true,\"size\":5},\"schema\":\"split\""#)
                .replacingOccurrences(of: #""id":"logbridge-health-docs-per-host-per-minute","migrationVersion":{"visualization":"7.10.0"}"#,
                                      with: #""id":"logbridge-health-docs-per-host-per-minute","migrationVersion":{"visualization":"7.6.0"}"#)
        }
        #expect(!older.contains { $0.contains("row sits on the split aggregation") }, "\(older)")
    }

    @Test func aHorizontalBarsSeriesTypeMustBeHistogram() throws {
        let problems = try lintEdited("farm-overview.ndjson") {
            $0.replacingOccurrences(of: #"\"type\":\"histogram\"},\"title\":\"Farm: errors by host\""#,
                                    with: #"\"type\":\"horizontal_bar\"},\"title\":\"Farm: errors by host\""#)
        }
        #expect(problems == [try #require(problems.first)], "\(problems)")
        #expect(problems.first?.contains("params.type is horizontal_bar, but a horizontal_bar chart's series type is histogram") == true, "\(problems)")
    }

    @Test func aParameterOnlyOneApplicationReadsIsNamed() throws {
        let problems = try lintEdited("alarms.ndjson") {
            $0.replacingOccurrences(of: #"\"scaleMetricValues\":false}"#, with: #"\"scaleMetricValues\":false,\"useNormalizedEsInterval\":true}"#)
        }
        #expect(problems == [try #require(problems.first)], "\(problems)")
        #expect(problems.first?.contains("useNormalizedEsInterval is Kibana's name; OpenSearch Dashboards reads useNormalizedOpenSearchInterval") == true, "\(problems)")
    }

    @Test func aBrokenLineIsLocated() throws {
        let problems = try lintEdited("alarms.ndjson") { $0 + "{not json\n" }
        #expect(problems.count == 1 && problems.first?.contains("alarms.ndjson:6: not JSON") == true, "\(problems)")
    }
}
