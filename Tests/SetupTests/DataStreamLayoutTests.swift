import JSON
import Logging
import Testing
@testable import Setup

/// `output.mode: data_stream`: the dataset templates become data-stream templates for `logs-<dataset>-<namespace>`.
@Suite struct DataStreamLayoutTests {
    let mappings: MappingSet
    let os2 = SetupTarget(flavor: .opensearch, version: "2.17.1")

    init() throws { mappings = try MappingSet.load(from: MappingsFixture.directory) }

    func templates(_ layout: IndexLayout, _ target: SetupTarget) throws -> [String: JSONValue] {
        let plan = try SetupPlan.objects(for: mappings, target: target, layout: layout)
        return Dictionary(uniqueKeysWithValues: plan.filter { $0.kind == .indexTemplate }.map { ($0.name, $0.body) })
    }

    @Test func datasetTemplatesGetADataStreamAndTheDatasetPattern() throws {
        let streams = try templates(.dataStreams(namespace: "farm"), SetupTarget(flavor: .elasticsearch, version: "8.15.0"))
        for dataset in ["system.journal", "system.syslog", "infologger"] {
            let body = try #require(streams["logbridge-logs-\(dataset)"])
            #expect(body["data_stream"] == .object([:]), "\(dataset)")
            // Only this namespace: Elastic Agent's logs-<dataset>-default keeps its integration's template.
            #expect(body["index_patterns"] == .array([.string("logs-\(dataset)-farm")]))
            #expect(body["priority"] == .int(250), "above Elasticsearch 8's logs template, apart from integrations' 200")
            // ILM deletes only rolled-over backing indices: the data-stream policy rolls over daily.
            #expect(body[path: "template.settings.index.lifecycle.name"] == .string("logbridge-data-streams"))
        }
        let openSearch = try templates(.dataStreams(namespace: "farm"), os2)
        #expect(openSearch["logbridge-logs-system.journal"]?[path: "template.settings"] == nil, "OpenSearch refuses ILM settings")
        // Dead letters and alarms are written as daily indices in either mode.
        for name in ["logbridge-dlq", "logbridge-alarms", "logbridge-alarms-state"] {
            #expect(streams[name]?["data_stream"] == nil, "\(name)")
        }
        let daily = try templates(.dailyIndices, os2)
        #expect(daily.values.allSatisfy { $0["data_stream"] == nil })
    }

    @Test func enginesWithoutDataStreamsAreRefused() {
        #expect(throws: SetupError.self) {
            try SetupPlan.objects(for: mappings, target: SetupTarget(flavor: .elasticsearch, version: "7.8.0"),
                                  layout: .dataStreams(namespace: "default"))
        }
    }

    @Test func switchingTheModeUpdatesTemplatesOfTheSameVersion() throws {
        let cluster = FakeCluster()
        func run(_ layout: IndexLayout) throws -> SetupReport {
            try SetupRunner(mappings: mappings, transport: cluster.handle, detectTarget: { os2 }, logger: Logger(label: "t"),
                            layout: layout).run(dryRun: false)
        }
        let datasetTemplates = ["logbridge-logs-infologger", "logbridge-logs-system.file", "logbridge-logs-system.journal",
                                "logbridge-logs-system.syslog"]
        _ = try run(.dailyIndices)
        let switched = try run(.dataStreams(namespace: "default"))
        #expect(switched.changes.filter { $0.action.writes }.map(\.name).sorted() == datasetTemplates)
        #expect(cluster.stored["/_index_template/logbridge-logs-system.journal"]?["data_stream"] == .object([:]))
        #expect(try run(.dataStreams(namespace: "default")).changes.allSatisfy { !$0.action.writes }, "idempotent in the new mode too")
        // Another namespace is another pattern: the templates are rewritten without a version bump.
        let renamed = try run(.dataStreams(namespace: "farm"))
        #expect(renamed.changes.filter { $0.action.writes }.map(\.name).sorted() == datasetTemplates)
        #expect(cluster.stored["/_index_template/logbridge-logs-system.journal"]?["index_patterns"]
            == .array([.string("logs-system.journal-farm")]))
    }
}
