import Foundation
import Testing
import TestSupport

/// An admin machine or the alarms host ships nothing: `setup` and the alarm commands run with a configuration
/// that has only `output`, through the real binary against a real engine.
@Suite struct OutputOnlyConfigTests {
    @Test func setupAndTheAlarmCommandsNeedOnlyAnOutputSection() throws {
        let bin = try TestPaths.logbridgeBinary()
        let osmem = try OsmemServer()
        defer { osmem.stop() }
        let dir = try temporaryDirectory("lb-output-only")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/logbridge.yaml"
        try "output: {hosts: [\"\(osmem.url)\"], compression: none}\n".write(toFile: config, atomically: true, encoding: .utf8)

        let setup = try runProcess(bin, ["setup", "--config", config, "--mappings", TestPaths.packageRoot + "/Mappings"])
        #expect(setup.status == 0, "\(setup.output)")
        #expect(setup.output.contains("index template logbridge-logs-system.journal: created"), "\(setup.output)")
        let listed = try runProcess(bin, ["alarms", "list", "--config", config])
        #expect(listed.status == 0 && listed.output.contains("active alarms: 0"), "\(listed.output)")
        // Shipping still needs inputs, and says so.
        let ship = try runProcess(bin, ["ship", "--once", "--config", config])
        #expect(ship.status != 0 && ship.output.contains("nothing to ship"), "\(ship.output)")
    }
}
