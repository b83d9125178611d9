import Logging
import Testing
@testable import Setup

/// `output.mode: data_stream`: the dataset templates become data-stream templates for `logs-<dataset>-*`.
@Suite struct DataStreamLayoutTests {
    let mappings: MappingSet
    let os2 = SetupTarget(flavor: .opensearch, version: "2.17.1")

    init() throws { mappings = try MappingSet.load(from: MappingsFixture.directory) }

    func templates(_ layout: IndexLayout, _ target: SetupTarget) throws -> [String: JSONValue] {
        let plan = try SetupPlan.objects(for: mappings, target: target, layout: layout)
        return Dictionary(uniqueKeysWithValues: plan.filter { $0.kind == .indexTemplate }.map { ($0.name, $0.body) })
    }

    @Test func datasetTemplatesGetADataStreamAndTheDatasetPattern() throws {
        let streams = try templates(.dataStreams, SetupTarget(flavor: .elasticsearch, version: "8.15.0"))
        for dataset in ["system.journal", "system.syslog", "infologger"] {
            let body = try #require(streams["logs-\(dataset)"])
            #expect(body["data_stream"] == .object([:]), "\(dataset)")
            #expect(body["index_patterns"] == .array([.string("logs-\(dataset)-*")]))
            #expect(body["priority"] == .int(200), "still above Elasticsearch 8's own logs template")
        }
        // Dead letters and alarms are written as daily indices in either mode.
        for name in ["logbridge-dlq", "logbridge-alarms", "logbridge-alarms-state"] {
            #expect(streams[name]?["data_stream"] == nil, "\(name)")
        }
        let daily = try templates(.dailyIndices, os2)
        #expect(daily.values.allSatisfy { $0["data_stream"] == nil })
    }

    @Test func enginesWithoutDataStreamsAreRefused() {
        #expect(throws: SetupError.self) {
            try SetupPlan.objects(for: mappings, target: SetupTarget(flavor: .elasticsearch, version: "7.8.0"), layout: .dataStreams)
        }
    }

    @Test func switchingTheModeUpdatesTemplatesOfTheSameVersion() throws {
        let cluster = FakeCluster()
        func run(_ layout: IndexLayout) throws -> SetupReport {
            try SetupRunner(mappings: mappings, transport: cluster.handle, detectTarget: { os2 }, logger: Logger(label: "t"),
                            layout: layout).run(dryRun: false)
        }
        _ = try run(.dailyIndices)
        let switched = try run(.dataStreams)
        #expect(switched.changes.filter { $0.action.writes }.map(\.name).sorted()
            == ["logs-infologger", "logs-system.file", "logs-system.journal", "logs-system.syslog"])
        #expect(cluster.stored["/_index_template/logs-system.journal"]?["data_stream"] == .object([:]))
        #expect(try run(.dataStreams).changes.allSatisfy { !$0.action.writes }, "idempotent in the new mode too")
    }
}
