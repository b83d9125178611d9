import Config
import Foundation
import Testing
import TestSupport
import Yams

/// deploy/compose.yaml cannot run here (no container engine); this checks it parses and is wired together.
@Suite struct ComposeFileTests {
    @Test func composeFileParsesAndWiresOpenSearchDashboardsAndLogBridge() throws {
        let text = try String(contentsOfFile: TestPaths.packageRoot + "/deploy/compose.yaml", encoding: .utf8)
        let compose = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(compose["services"] as? [String: Any])
        #expect(Set(services.keys) == ["opensearch", "dashboards", "logbridge-setup", "logbridge"])
        let dashboards = try #require(services["dashboards"] as? [String: Any])
        #expect((dashboards["environment"] as? [String: Any])?["OPENSEARCH_HOSTS"] as? String == #"["http://opensearch:9200"]"#)
        let setup = try #require(services["logbridge-setup"] as? [String: Any])
        let command = try #require(setup["command"] as? String)
        #expect(command.contains("logbridge setup") && command.contains("logbridge dashboards import --url http://dashboards:5601"))
        // Every volume a service mounts from the repository exists, and named volumes are declared.
        let declared = Set(((compose["volumes"] as? [String: Any]) ?? [:]).keys)
        for (name, service) in services {
            for mount in ((service as? [String: Any])?["volumes"] as? [String]) ?? [] {
                let source = String(mount.split(separator: ":")[0])
                if source.hasPrefix("./") {
                    #expect(FileManager.default.fileExists(atPath: TestPaths.packageRoot + "/deploy/" + source.dropFirst(2)), "\(name): \(mount)")
                } else if !source.hasPrefix("/") {
                    #expect(declared.contains(source), "\(name): volume \(source) is not declared")
                }
            }
        }
        // The configuration it mounts is one LogBridge accepts.
        let path = TestPaths.packageRoot + "/deploy/compose-logbridge.yaml"
        let config = try ConfigLoader.parse(yaml: try String(contentsOfFile: path, encoding: .utf8), path: path, environment: [:])
        #expect(config.output.hosts == ["http://opensearch:9200"])
    }
}
