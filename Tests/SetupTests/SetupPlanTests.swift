import JSON
import Testing
@testable import Setup

/// What each flavour gets, decided offline from the version alone.
@Suite struct SetupPlanTests {
    let mappings: MappingSet

    init() throws {
        mappings = try MappingSet.load(from: MappingsFixture.directory)
    }

    func plan(_ flavor: SetupTarget.Flavor, _ version: String) throws -> [PlannedObject] {
        try SetupPlan.objects(for: mappings, target: SetupTarget(flavor: flavor, version: version))
    }

    func component(_ plan: [PlannedObject], _ name: String) throws -> JSONValue {
        try #require(plan.first { $0.kind == .componentTemplate && $0.name == name }).body
    }

    @Test func openSearch3UsesISMComposableTemplatesAndFlatObject() throws {
        let plan = try plan(.opensearch, "3.8.0")
        #expect(plan.map(\.path) == [
            "/_plugins/_ism/policies/logbridge-alarms", "/_plugins/_ism/policies/logbridge-health",
            "/_plugins/_ism/policies/logbridge-logs", "/_plugins/_ism/policies/logbridge-patterns",
            "/_component_template/logbridge-alarms-state", "/_component_template/logbridge-alarms",
            "/_component_template/logbridge-dead-letter", "/_component_template/logbridge-ecs",
            "/_component_template/logbridge-health", "/_component_template/logbridge-infologger", "/_component_template/logbridge-journald",
            "/_component_template/logbridge-patterns", "/_component_template/logbridge-reports",
            "/_component_template/logbridge-settings", "/_component_template/logbridge-syslog",
            "/_index_template/logbridge-alarms-state", "/_index_template/logbridge-alarms",
            "/_index_template/logbridge-dlq", "/_index_template/logbridge-health", "/_index_template/logbridge-logs-infologger",
            "/_index_template/logbridge-logs-system.file", "/_index_template/logbridge-logs-system.journal",
            "/_index_template/logbridge-logs-system.syslog", "/_index_template/logbridge-patterns",
            "/_index_template/logbridge-reports",
        ])
        let ism = try #require(plan.first { $0.name == "logbridge-logs" })
        #expect(ism.kind == .ismPolicy && ism.version == 4)
        #expect(ism.body["_meta"] == nil && ism.body[path: "policy._meta"] == nil, "ISM knows no _meta")
        #expect(ism.body[path: "policy.description"]?.stringValue?.hasSuffix("(logbridge version 4)") == true)
        // The monthly alarm indices have their own policy; the alarm component's ILM setting is stripped too.
        #expect(try component(plan, "logbridge-alarms")[path: "template.settings.index.lifecycle"] == nil)
        #expect(try component(plan, "logbridge-journald")[
            path: "template.mappings.properties.journald.properties.custom"] == .object(["type": .string("flat_object")]))
        #expect(try component(plan, "logbridge-syslog")[
            path: "template.mappings.properties.log.properties.syslog.properties.structured_data"] == .object(["type": .string("flat_object")]))
        // ISM attaches itself through ism_template; OpenSearch would reject the ILM setting as unknown.
        #expect(try component(plan, "logbridge-settings")[path: "template.settings.index.lifecycle"] == nil)
        #expect(try component(plan, "logbridge-settings")[path: "template.settings.index.refresh_interval"] == .string("5s"))
        #expect(!plan.contains { $0.path.hasPrefix("/_ilm") || $0.path.hasPrefix("/_template/") })
    }

    @Test func openSearch2BeforeFlatObjectKeepsCustomFieldsUnindexed() throws {
        let journald = try component(try plan(.opensearch, "2.5.0"), "logbridge-journald")
        #expect(journald[path: "template.mappings.properties.journald.properties.custom"]
            == .object(["type": .string("object"), "dynamic": .bool(false)]))
        let newer = try component(try plan(.opensearch, "2.11.1"), "logbridge-journald")
        #expect(newer[path: "template.mappings.properties.journald.properties.custom.type"] == .string("flat_object"))
    }

    @Test func elasticsearch8UsesILMAndFlattened() throws {
        let plan = try plan(.elasticsearch, "8.15.0")
        #expect(plan.prefix(4).map(\.path) == ["/_ilm/policy/logbridge-alarms", "/_ilm/policy/logbridge-data-streams",
                                                "/_ilm/policy/logbridge-health", "/_ilm/policy/logbridge-logs"])
        let ilm = plan[3]
        #expect(ilm.kind == .ilmPolicy && ilm.version == 2)
        #expect(ilm.body[path: "policy._meta.version"] == .int(2))
        #expect(try component(plan, "logbridge-alarms")[path: "template.settings.index.lifecycle.name"]
            == .string("logbridge-alarms"))
        #expect(!plan.contains { $0.kind == .ismPolicy || $0.kind == .legacyTemplate })
        #expect(plan.filter { $0.kind == .componentTemplate }.count == 11)
        #expect(plan.filter { $0.kind == .indexTemplate }.count == 10)
        #expect(try component(plan, "logbridge-settings")[path: "template.settings.index.lifecycle.name"]
            == .string("logbridge-logs"))
        #expect(try component(plan, "logbridge-journald")[
            path: "template.mappings.properties.journald.properties.custom.type"] == .string("flattened"))
        #expect(try component(plan, "logbridge-syslog")[
            path: "template.mappings.properties.log.properties.syslog.properties.structured_data.type"] == .string("flattened"))
        let journalTemplate = try #require(plan.first { $0.name == "logbridge-logs-system.journal" })
        #expect(journalTemplate.body["priority"] == .int(250))
        #expect(journalTemplate.body["index_patterns"] == .array([.string("logs-system.journal-2*")]))
        #expect(journalTemplate.body["data_stream"] == nil, "daily indices, not data streams")
    }

    @Test func elasticsearch76GetsOneMergedLegacyTemplatePerIndexTemplate() throws {
        let plan = try plan(.elasticsearch, "7.6.2")
        #expect(plan.map(\.path) == [
            "/_ilm/policy/logbridge-alarms", "/_ilm/policy/logbridge-data-streams", "/_ilm/policy/logbridge-health",
            "/_ilm/policy/logbridge-logs", "/_ilm/policy/logbridge-patterns",
            "/_template/logbridge-alarms-state", "/_template/logbridge-alarms",
            "/_template/logbridge-dlq", "/_template/logbridge-health", "/_template/logbridge-logs-infologger", "/_template/logbridge-logs-system.file",
            "/_template/logbridge-logs-system.journal", "/_template/logbridge-logs-system.syslog", "/_template/logbridge-patterns",
            "/_template/logbridge-reports",
        ])
        // Before 7.14 ILM refuses _meta, so the policy goes without it and cannot be compared by version.
        #expect(plan[0].body[path: "policy._meta"] == nil && plan[0].version == nil)

        let journal = try #require(plan.first { $0.name == "logbridge-logs-system.journal" })
        // 2 (template) + 1 + 3 + 1 (settings, ecs, journald): any part's bump raises it.
        #expect(journal.version == 7 && journal.body["version"] == .int(7))
        #expect(journal.body["order"] == .int(250))
        #expect(journal.body["index_patterns"] == .array([.string("logs-system.journal-2*")]))
        #expect(journal.body[path: "settings.index.lifecycle.name"] == .string("logbridge-logs"))
        #expect(journal.body[path: "settings.index.mapping.total_fields.limit"] == .int(2000))
        let properties = try #require(journal.body[path: "mappings.properties"])
        #expect(properties[path: "@timestamp.type"] == .string("date_nanos"))
        #expect(properties[path: "process.properties.pid.type"] == .string("long"))
        #expect(properties[path: "systemd.properties.unit.type"] == .string("keyword"))
        #expect(properties[path: "journald.properties.custom.type"] == .string("flattened"))
        #expect(journal.body[path: "mappings.dynamic_templates"]?.arrayValue?.count == 1)
        #expect(properties["infologger"] == nil)

        let deadLetter = try #require(plan.first { $0.name == "logbridge-dlq" })
        #expect(deadLetter.body[path: "mappings.dynamic"] == .bool(false))
        #expect(deadLetter.body[path: "mappings.properties.event.properties.original.index"] == .bool(false))
    }

    @Test func elasticsearch7BeforeFlattenedFallsBackToUnindexedObject() throws {
        let plan = try plan(.elasticsearch, "7.2.0")
        let journal = try #require(plan.first { $0.name == "logbridge-logs-system.journal" })
        #expect(journal.body[path: "mappings.properties.journald.properties.custom"]
            == .object(["type": .string("object"), "dynamic": .bool(false)]))
    }

    @Test func elasticsearch6IsRefused() {
        #expect(throws: SetupError.self) { try plan(.elasticsearch, "6.8.23") }
    }

    @Test func targetReadsVersionsAndDecidesCapabilities() {
        let es710 = SetupTarget(flavor: .elasticsearch, version: "7.10.2")
        #expect(es710.major == 7 && es710.minor == 10)
        #expect(es710.hasComposableTemplates && !es710.ilmAcceptsMeta && es710.boundedObjectMapping == .flattened)
        #expect(!SetupTarget(flavor: .elasticsearch, version: "7.7.1").hasComposableTemplates)
        #expect(SetupTarget(flavor: .elasticsearch, version: "7.14.0").ilmAcceptsMeta)
        #expect(SetupTarget(flavor: .opensearch, version: "1.3.0").hasComposableTemplates)
        #expect(SetupTarget(flavor: .opensearch, version: "2.7.0").boundedObjectMapping == .flatObject)
        #expect(SetupTarget(flavor: .opensearch, version: "2.6.0").lifecycle == .ism)
    }
}
