import Bulk
import Config
import Foundation
import JSON
import Logging
import TestSupport
import Testing
@testable import Setup

/// Setup against a real engine (osmem-server, answering as OpenSearch 3.8), through the real `ClusterClient`.
@Suite(.serialized) struct LiveSetupTests {
    let server: OsmemServer
    let client: ClusterClient

    init() throws {
        server = try OsmemServer()
        var output = OutputSettings()
        output.hosts = [server.url]
        client = try ClusterClient(settings: output)
    }

    func setup(mappings: String? = MappingsFixture.directory) throws -> SetupReport {
        try SetupRunner(mappingsDirectory: mappings, client: client, logger: Logger(label: "test")).run(dryRun: false)
    }

    func index(_ index: String, _ document: String) throws -> HTTPResponse {
        try client.request("POST", "/\(index)/_doc?refresh=true", body: Array(document.utf8))
    }

    @Test func installsOnceThenChangesNothingThenUpdatesBumpedVersions() throws {
        defer { server.stop() }
        let first = try setup()
        #expect(first.target == SetupTarget(flavor: .opensearch, major: 3, minor: 8))
        // osmem has no ISM API: the four policies (logs, monthly alarms, monthly pattern catalogue, monthly shipper health) are skipped,
        // everything else is created.
        #expect(first.changes.prefix(4).allSatisfy { if case .skipped = $0.action { true } else { false } }, "\(first)")
        #expect(first.changes.dropFirst(4).count == 21 && first.changes.dropFirst(4).allSatisfy { $0.action.isCreated })

        let second = try setup()
        #expect(second.changes.dropFirst(4).count == 21 && second.changes.dropFirst(4).allSatisfy { $0.action.isUnchanged })

        let copy = try MappingsFixture.temporaryCopy()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let file = copy + "/components/logbridge-journald.json"
        let bumped = try JSONValue(parsing: String(contentsOfFile: file, encoding: .utf8))
            .replacing(path: ["version"], with: .int(2)).replacing(path: ["_meta", "version"], with: .int(2))
        try bumped.prettyText.write(toFile: file, atomically: true, encoding: .utf8)
        let third = try setup(mappings: copy)
        #expect(third.changes.filter { $0.action.writes }.map(\.description)
            == ["component template logbridge-journald: updated v1 → v2"])
        let installed = try client.request("GET", "/_component_template/logbridge-journald")
        #expect(try JSONValue(parsing: installed.body)[path: "component_templates"]?.arrayValue?.first?[
            path: "component_template.version"] == .int(2))
    }

    @Test func dryRunWritesNothing() throws {
        defer { server.stop() }
        let report = try SetupRunner(mappingsDirectory: MappingsFixture.directory, client: client,
                                     logger: Logger(label: "test")).run(dryRun: true)
        #expect(report.changes.dropFirst(4).allSatisfy { $0.action.isWouldCreate })
        #expect(try client.request("GET", "/_index_template/logbridge-logs-system.journal").status == 404)
    }

    @Test func templatesGiveEveryDatasetItsTypes() throws {
        defer { server.stop() }
        _ = try setup()
        for (name, document) in SampleDocuments.all {
            let response = try index(name, document)
            #expect(response.isSuccess, "\(name): \(response.text)")
        }
        let mapping = try JSONValue(parsing: try client.request("GET", "/logs-system.journal-2026.11.29/_mapping").body)
        let properties = try #require(mapping["logs-system.journal-2026.11.29"]?[path: "mappings.properties"])
        #expect(properties[path: "@timestamp.type"] == .string("date_nanos"))
        #expect(properties[path: "message.type"] == .string("text"))
        #expect(properties[path: "process.properties.pid.type"] == .string("long"))
        #expect(properties[path: "journald.properties.custom.type"] == .string("flat_object"))
        #expect(properties[path: "journald.properties.monotonic_timestamp.type"] == .string("long"))
        // A field no template names is bounded by the dynamic template, not mapped as text + .keyword.
        #expect(properties[path: "unexpected.type"] == .string("keyword"))
        #expect(properties[path: "unexpected.ignore_above"] == .int(1024))

        let syslog = try JSONValue(parsing: try client.request("GET", "/logs-system.syslog-2026.11.29/_mapping").body)
        #expect(syslog["logs-system.syslog-2026.11.29"]?[path: "mappings.properties.source.properties.ip.type"] == .string("ip"))
        let syslogFields = try #require(syslog["logs-system.syslog-2026.11.29"]?[path: "mappings.properties.log.properties.syslog.properties"])
        #expect(syslogFields[path: "structured_data.type"] == .string("flat_object"))
        #expect(syslogFields[path: "version.type"] == .string("keyword"))
        // ECS's flattened structured data is searchable leaf by leaf.
        let hits = try client.request("POST", "/logs-system.syslog-2026.11.29/_search",
                                      body: Array(#"{"query":{"term":{"log.syslog.structured_data.exampleSDID@32473.iut":"3"}}}"#.utf8))
        #expect(hits.text.contains("edge1"), "\(hits.text)")
        let infologger = try JSONValue(parsing: try client.request("GET", "/logs-infologger-2026.11.29/_mapping").body)
        #expect(infologger["logs-infologger-2026.11.29"]?[path: "mappings.properties.infologger.properties.run.type"]
            == .string("long"))
    }

    /// What Elastic's System integration (Fleet) installs for syslog and the journal: the same names LogBridge
    /// used to choose, `logs-<dataset>-*` at priority 200, data streams.
    static let integrationTemplate = #"{"index_patterns":["logs-system.syslog-*"],"priority":200,"data_stream":{},"#
        + #""_meta":{"managed_by":"fleet","managed":true,"package":{"name":"system"}},"#
        + #""template":{"mappings":{"properties":{"source":{"properties":{"ip":{"type":"keyword"}}}}}}}"#

    @Test func setupCoexistsWithTheTemplatesOfElasticsSystemIntegration() throws {
        defer { server.stop() }
        for dataset in ["system.syslog", "system.journal"] {
            let body = Self.integrationTemplate.replacingOccurrences(of: "system.syslog", with: dataset)
            #expect(try client.request("PUT", "/_index_template/logs-\(dataset)", body: Array(body.utf8)).isSuccess)
        }
        let before = try client.request("GET", "/_index_template/logs-system.syslog").body
        let report = try setup()
        #expect(report.changes.dropFirst(4).allSatisfy { $0.action.isCreated }, "\(report)")
        // Theirs is untouched, ours wins for LogBridge's daily names: source.ip is an ip there, not their keyword.
        #expect(try client.request("GET", "/_index_template/logs-system.syslog").body == before)
        #expect(try index("logs-system.syslog-2026.11.29", #"{"@timestamp":"2026-11-29T00:00:00Z","source":{"ip":"10.0.0.1"}}"#).isSuccess)
        let mapping = try JSONValue(parsing: try client.request("GET", "/logs-system.syslog-2026.11.29/_mapping").body)
        #expect(mapping["logs-system.syslog-2026.11.29"]?[path: "mappings.properties.source.properties.ip.type"] == .string("ip"))
        #expect(try setup().changes.dropFirst(4).allSatisfy { $0.action.isUnchanged })
    }

    @Test func aTemplateWithLogBridgesPriorityOnTheSameIndicesStopsSetupWithAClearMessage() throws {
        defer { server.stop() }
        let theirs = #"{"index_patterns":["logs-system.journal-*"],"priority":250}"#
        #expect(try client.request("PUT", "/_index_template/someone-elses", body: Array(theirs.utf8)).isSuccess)
        #expect {
            try setup()
        } throws: { error in
            let text = "\(error)"
            return text.contains("index template logbridge-logs-system.journal: PUT /_index_template/logbridge-logs-system.journal")
                && text.contains("someone-elses") && text.contains("same priority")
                && text.contains("another index template matches the same indices with the same priority")
        }
    }

    @Test func theEngineRefusesADocumentThatBreaksTheTemplate() throws {
        defer { server.stop() }
        _ = try setup()
        let response = try index("logs-system.journal-2026.11.29",
                                 #"{"@timestamp":"2026-11-29T00:10:13.123456Z","message":"x","process":{"pid":"abc"}}"#)
        #expect(response.status == 400)
        #expect(response.text.contains("parsing_exception"), "\(response.text)")
        #expect(response.text.contains("process.pid"), "\(response.text)")
    }
}
