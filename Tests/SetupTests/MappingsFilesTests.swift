import Foundation
import JSON
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
        #expect(files.count == 30)
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
            "logbridge-alarms-state", "logbridge-alarms", "logbridge-dead-letter", "logbridge-ecs", "logbridge-health", "logbridge-infologger",
            "logbridge-journald",
            "logbridge-patterns", "logbridge-reports", "logbridge-settings", "logbridge-syslog",
        ])
        #expect(mappings.indexTemplates.map(\.name) == [
            "logbridge-alarms-state", "logbridge-alarms", "logbridge-dlq", "logbridge-health", "logbridge-logs-infologger",
            "logbridge-logs-system.file", "logbridge-logs-system.journal", "logbridge-logs-system.syslog", "logbridge-patterns",
            "logbridge-reports",
        ])
        #expect(mappings.ilmPolicies.map(\.name) == ["logbridge-alarms", "logbridge-data-streams", "logbridge-health", "logbridge-logs",
                                                       "logbridge-patterns"])
        #expect(mappings.ismPolicies.map(\.name) == ["logbridge-alarms", "logbridge-health", "logbridge-logs", "logbridge-patterns"])
    }

    @Test func everyComposedComponentExistsAndVersionsAgree() throws {
        for template in mappings.indexTemplates {
            let composed = mappings.composedOf(template)
            #expect(!composed.isEmpty)
            for name in composed { #expect(mappings.component(named: name) != nil, "\(template.name) → \(name)") }
            // Dataset templates: above Elasticsearch 8's logs template (100) and never equal to the 200 of Elastic's
            // integration templates for the same logs-<dataset>-* names (equal priorities on overlapping patterns
            // are refused); named logbridge-… so that setup never overwrites theirs.
            let priority = template.name.hasPrefix("logbridge-logs-") ? 250 : template.name == "logbridge-alarms-state" ? 210 : 200
            #expect(template.body["priority"]?.intValue == priority, "\(template.name)")
            #expect(template.name.hasPrefix("logbridge-"), "\(template.name)")
        }
        for entry in mappings.components + mappings.indexTemplates {
            let version = try #require(entry.body["version"]?.intValue)
            #expect(entry.body[path: "_meta.version"]?.intValue == version, "\(entry.name)")
        }
    }

    /// The ILM policy a template's indices get: the last `index.lifecycle.name` among its components.
    func ilmPolicy(of template: MappingSet.Entry) -> String? {
        mappings.composedOf(template).compactMap {
            mappings.component(named: $0)?.body[path: "template.settings.index.lifecycle.name"]?.stringValue
        }.last
    }

    /// The ISM policy whose ism_template names exactly this pattern.
    func ismPolicy(attaching pattern: String) -> [String] {
        mappings.ismPolicies.filter { policy in
            (policy.body[path: "policy.ism_template"]?.arrayValue ?? []).contains {
                ($0["index_patterns"]?.arrayValue ?? []).contains(.string(pattern))
            }
        }.map(\.name)
    }

    @Test func lifecyclePoliciesCoverEveryIndexTemplateOnBothEngines() throws {
        // Every template with a lifecycle (it composes logbridge-settings) gets one ILM policy by setting and the
        // ISM policy of the same name by pattern; the alarm state gets none.
        let withLifecycle = mappings.indexTemplates.filter { mappings.composedOf($0).contains("logbridge-settings") }
        #expect(withLifecycle.count == 8)
        var attachedPatterns: [String] = []
        for template in withLifecycle {
            let ilm = try #require(ilmPolicy(of: template), "\(template.name)")
            #expect(mappings.ilmPolicies.contains { $0.name == ilm }, "\(template.name) → \(ilm)")
            for pattern in (template.body["index_patterns"]?.arrayValue ?? []).compactMap(\.stringValue) {
                #expect(ismPolicy(attaching: pattern) == [ilm], "\(pattern)")
                attachedPatterns.append(pattern)
            }
        }
        let allISMPatterns = mappings.ismPolicies.flatMap { ($0.body[path: "policy.ism_template"]?.arrayValue ?? []) }
            .flatMap { $0["index_patterns"]?.arrayValue ?? [] }.compactMap(\.stringValue)
        #expect(allISMPatterns.sorted() == attachedPatterns.sorted())
        let state = try #require(mappings.indexTemplates.first { $0.name == "logbridge-alarms-state" })
        #expect(!mappings.composedOf(state).contains("logbridge-settings") && ilmPolicy(of: state) == nil)
        #expect(!allISMPatterns.contains { $0.hasSuffix("*") && "logbridge-alarms-state".hasPrefix($0.dropLast()) },
                "the alarm state must never be deleted")
        #expect(ilmPolicy(of: try #require(mappings.indexTemplates.first { $0.name == "logbridge-alarms" })) == "logbridge-alarms")
    }

    @Test func theDataStreamPolicyRollsOverSoThatILMCanDelete() throws {
        let policy = try #require(mappings.ilmPolicies.first { $0.name == "logbridge-data-streams" })
        #expect(policy.body[path: "policy.phases.hot.actions.rollover.max_age"] == .string("1d"))
        #expect(policy.body[path: "policy.phases.delete.min_age"] == .string("30d"))
        let daily = try #require(mappings.ilmPolicies.first { $0.name == "logbridge-logs" })
        #expect(daily.body[path: "policy.phases.hot.actions.rollover"] == nil, "a rollover on a plain index stalls ILM")
        #expect(daily.body[path: "policy.phases.delete.min_age"] == .string("30d"))
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
        let file = copy + "/index-templates/logbridge-logs-system.journal.json"
        var template = try JSONValue(parsing: String(contentsOfFile: file, encoding: .utf8))
        template = template.setting("composed_of", to: .array([.string("logbridge-nonexistent")]))
        try template.prettyText.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: SetupError.self) { try MappingSet.load(from: copy) }

        try "{\"version\": 1,".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: SetupError.self) { try MappingSet.load(from: copy) }
    }
}
