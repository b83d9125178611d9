import Foundation
import JSON
import Logging
import TestSupport
import Testing
@testable import Setup

/// The GET-compare-PUT loop against a fake cluster: idempotence, updates, dry runs, refusals.
@Suite struct SetupRunnerTests {
    func runner(_ cluster: FakeCluster, _ target: SetupTarget, mappings directory: String = MappingsFixture.directory)
        throws -> SetupRunner {
        SetupRunner(mappings: try MappingSet.load(from: directory), transport: { cluster.handle($0) },
                    detectTarget: { target }, logger: Logger(label: "test"))
    }

    let es8 = SetupTarget(flavor: .elasticsearch, version: "8.15.0")
    let os2 = SetupTarget(flavor: .opensearch, version: "2.17.1")

    @Test func secondRunChangesNothing() throws {
        // Elasticsearch: 5 ILM policies (logs, monthly alarms, data streams, monthly pattern catalogue, monthly
        // shipper health); OpenSearch: 4 ISM policies.
        for (target, objects) in [(es8, 26), (os2, 25)] {
            let cluster = FakeCluster()
            let first = try runner(cluster, target).run(dryRun: false)
            #expect(first.changes.count == objects)
            #expect(first.changes.allSatisfy { $0.action.isCreated }, "\(first)")
            #expect(cluster.writes.count == objects)

            let second = try runner(cluster, target).run(dryRun: false)
            #expect(second.changes.allSatisfy { $0.action.isUnchanged }, "\(second)")
            #expect(cluster.writes.count == objects, "nothing written the second time")
        }
    }

    @Test func dryRunReadsButNeverWrites() throws {
        let cluster = FakeCluster()
        let report = try runner(cluster, es8).run(dryRun: true)
        #expect(cluster.writes.isEmpty)
        #expect(report.changes.allSatisfy { $0.action.isWouldCreate })
        let ilm = try #require(report.changes.first?.request)
        #expect(ilm.method == "PUT" && ilm.path == "/_ilm/policy/logbridge-alarms")
        #expect(report.description.contains("PUT /_index_template/logbridge-logs-system.journal\n{\n  \"_meta\""))
    }

    @Test func bumpedVersionsAreUpdatedAndISMUpdatesNameTheRevision() throws {
        let cluster = FakeCluster()
        _ = try runner(cluster, os2).run(dryRun: false)
        let copy = try MappingsFixture.temporaryCopy()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try bump(copy + "/policies/ism-logbridge-logs.json", at: ["_meta", "version"])
        try bump(copy + "/components/logbridge-ecs.json", at: ["version"], ["_meta", "version"])

        let report = try runner(cluster, os2, mappings: copy).run(dryRun: false)
        let changed = report.changes.filter { $0.action.writes }
        #expect(changed.map(\.description) == [
            "ISM policy logbridge-logs: updated v4 → v5", "component template logbridge-ecs: updated v3 → v4",
        ])
        #expect(changed[0].request?.path == "/_plugins/_ism/policies/logbridge-logs?if_seq_no=0&if_primary_term=1")
        #expect(cluster.stored["/_plugins/_ism/policies/logbridge-logs"]?[path: "policy.description"]?.stringValue?
            .hasSuffix("(logbridge version 5)") == true)

        // The old files meet the newer cluster: setup leaves the newer objects alone.
        let downgrade = try runner(cluster, os2).run(dryRun: false)
        #expect(downgrade.changes.filter { !$0.action.writes }.count == 25)
        #expect(downgrade.changes[2].action == .keptNewer(installed: 5, ours: 4))
    }

    @Test func refusalNamesTheObjectAndTheClustersReason() throws {
        let cluster = FakeCluster()
        cluster.refusals["/_component_template/logbridge-journald"] = "No handler for type [flat_object]"
        #expect {
            try runner(cluster, os2).run(dryRun: false)
        } throws: { error in
            guard case let SetupError.rejected(object, method, path, status, reason) = error else { return false }
            return object == "component template logbridge-journald" && method == "PUT"
                && path == "/_component_template/logbridge-journald" && status == 400
                && reason == "mapper_parsing_exception: No handler for type [flat_object]"
        }
    }

    @Test func aClusterWithoutLifecycleAPIStillGetsItsTemplates() throws {
        let cluster = FakeCluster()
        cluster.hasLifecycleAPI = false
        let report = try runner(cluster, os2).run(dryRun: false)
        // The four ISM policies (logs, monthly alarms, pattern catalogue, shipper health) are skipped; every template is installed.
        #expect(report.changes.prefix(4).allSatisfy { if case .skipped = $0.action { true } else { false } }, "\(report)")
        #expect(report.changes.dropFirst(4).allSatisfy { $0.action.isCreated })
    }

    @Test func legacyElasticsearchIsIdempotentForTemplates() throws {
        let cluster = FakeCluster()
        let target = SetupTarget(flavor: .elasticsearch, version: "7.6.2")
        _ = try runner(cluster, target).run(dryRun: false)
        let second = try runner(cluster, target).run(dryRun: false)
        #expect(second.changes.map(\.action) == [
            // Five ILM policies without readable versions, then sums of template and component versions:
            // alarms-state, alarms, dlq, health, infologger, file, journal, syslog, patterns, reports.
            .updated(from: nil, to: nil), .updated(from: nil, to: nil), .updated(from: nil, to: nil), .updated(from: nil, to: nil),
            .updated(from: nil, to: nil),
            .unchanged(version: 4), .unchanged(version: 6), .unchanged(version: 3), .unchanged(version: 3), .unchanged(version: 8),
            .unchanged(version: 9), .unchanged(version: 7), .unchanged(version: 9), .unchanged(version: 3), .unchanged(version: 3),
        ])
    }

    private func bump(_ file: String, at paths: [String]...) throws {
        var value = try JSONValue(parsing: String(contentsOfFile: file, encoding: .utf8))
        for path in paths {
            value = value.replacing(path: path, with: .int((value.value(at: path)?.intValue ?? 0) + 1))
        }
        try value.prettyText.write(toFile: file, atomically: true, encoding: .utf8)
    }
}
