import Foundation
import TestSupport
import Testing
@testable import Setup

/// The shipped `Mappings/` directory keeps its own rules: it loads, it is canonical, its parts agree.
@Suite struct MappingsFilesTests {
    let mappings: MappingSet

    init() throws {
        mappings = try MappingSet.load(from: MappingsFixture.directory)
    }

    @Test func everyFileIsOneCanonicalJSONObject() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: MappingsFixture.directory)
            .filter { $0.hasSuffix(".json") }
        #expect(files.count == 17)
        for file in files {
            let text = try String(contentsOfFile: MappingsFixture.directory + "/" + file, encoding: .utf8)
            let value = try JSONValue(parsing: text)
            #expect(value.objectValue != nil, "\(file)")
            // Sorted keys and 2-space indent, so every change is a small diff (python3 -m json.tool --sort-keys).
            #expect(value.prettyText == text, "\(file) is not in canonical form")
        }
    }

    @Test func loadsEveryKindOfObject() {
        #expect(mappings.components.map(\.name) == [
            "logbridge-alarms-state", "logbridge-alarms", "logbridge-dead-letter", "logbridge-ecs", "logbridge-infologger", "logbridge-journald",
            "logbridge-settings", "logbridge-syslog",
        ])
        #expect(mappings.indexTemplates.map(\.name) == [
            "logbridge-alarms-state", "logbridge-alarms", "logbridge-dlq", "logs-infologger", "logs-system.file", "logs-system.journal",
            "logs-system.syslog",
        ])
        #expect(mappings.ilmPolicies.map(\.name) == ["logbridge-logs"])
        #expect(mappings.ismPolicies.map(\.name) == ["logbridge-logs"])
    }

    @Test func everyComposedComponentExistsAndVersionsAgree() throws {
        for template in mappings.indexTemplates {
            let composed = mappings.composedOf(template)
            #expect(!composed.isEmpty)
            for name in composed { #expect(mappings.component(named: name) != nil, "\(template.name) → \(name)") }
            // The alarm state template also matches logbridge-alarms-*, and must win there.
            let priority = template.name == "logbridge-alarms-state" ? 210 : 200
            #expect(template.body["priority"]?.intValue == priority, "must outrank Elasticsearch 8's logs template (100)")
        }
        for entry in mappings.components + mappings.indexTemplates {
            let version = try #require(entry.body["version"]?.intValue)
            #expect(entry.body[path: "_meta.version"]?.intValue == version, "\(entry.name)")
        }
    }

    @Test func lifecyclePolicyCoversEveryIndexTemplate() throws {
        let settingsName = mappings.component(named: "logbridge-settings")?.body[path: "template.settings.index.lifecycle.name"]
        #expect(settingsName == .string("logbridge-logs"))
        let ism = try #require(mappings.ismPolicies.first)
        let attached = Set((ism.body[path: "policy.ism_template"]?.arrayValue ?? [])
            .flatMap { $0["index_patterns"]?.arrayValue ?? [] }.compactMap(\.stringValue))
        // Every template with a lifecycle (it composes logbridge-settings) is attached; the alarm state is not,
        // and the daily alarm indices are named by the date-led pattern that leaves it out.
        let withLifecycle = mappings.indexTemplates.filter { mappings.composedOf($0).contains("logbridge-settings") }
        let templated = Set(withLifecycle.flatMap { $0.body["index_patterns"]?.arrayValue ?? [] }.compactMap(\.stringValue)
            .map { $0 == "logbridge-alarms-*" ? "logbridge-alarms-2*" : $0 })
        #expect(attached == templated)
        #expect(!mappings.composedOf(try #require(mappings.indexTemplates.first { $0.name == "logbridge-alarms-state" }))
            .contains("logbridge-settings"))
        #expect(ism.body[path: "policy.states"]?.arrayValue?.first?[path: "transitions"]?.arrayValue?.first?[
            path: "conditions.min_index_age"] == .string("30d"))
        #expect(mappings.ilmPolicies.first?.body[path: "policy.phases.delete.min_age"] == .string("30d"))
    }

    @Test func fieldTypesMatchTheDocumentsLogBridgeWrites() throws {
        func type(_ component: String, _ field: String) -> String? {
            let path = "template.mappings." + field.split(separator: ".").map { "properties.\($0)" }.joined(separator: ".")
            return mappings.component(named: component)?.body[path: path + ".type"]?.stringValue
        }
        #expect(type("logbridge-ecs", "@timestamp") == "date_nanos")
        #expect(type("logbridge-ecs", "message") == "text")
        #expect(type("logbridge-ecs", "process.pid") == "long")
        #expect(type("logbridge-ecs", "log.syslog.severity.code") == "long")
        #expect(type("logbridge-ecs", "process.command_line") == "keyword")
        #expect(type("logbridge-journald", "journald.monotonic_timestamp") == "long")
        #expect(type("logbridge-journald", "systemd.unit") == "keyword")
        #expect(type("logbridge-syslog", "source.ip") == "ip")
        #expect(type("logbridge-infologger", "infologger.run") == "long")
        #expect(type("logbridge-dead-letter", "logbridge.index") == "keyword")
    }

    @Test func brokenDirectoriesAreRefusedBeforeAnythingIsSent() throws {
        let copy = try MappingsFixture.temporaryCopy()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let file = copy + "/index-templates/logs-system.journal.json"
        var template = try JSONValue(parsing: String(contentsOfFile: file, encoding: .utf8))
        template = template.setting("composed_of", to: .array([.string("logbridge-nonexistent")]))
        try template.prettyText.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: SetupError.self) { try MappingSet.load(from: copy) }

        try "{\"version\": 1,".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: SetupError.self) { try MappingSet.load(from: copy) }
    }
}
