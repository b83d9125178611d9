import Foundation
import Testing
import TestSupport

/// The files in deploy/ are what an operator installs: they must be valid for the tools that read them.
@Suite struct DeployFilesTests {
    @Test(arguments: ["logbridge.service", "logbridge-alarms.service", "logbridge-report.service"])
    func systemdUnitPassesSystemdAnalyzeVerify(name: String) throws {
        let unit = try String(contentsOfFile: TestPaths.packageRoot + "/deploy/systemd/" + name, encoding: .utf8)
        let dir = try temporaryDirectory("lb-unit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Point the unit at the binary under test; everything else is verified as shipped.
        let path = dir + "/" + name
        try unit.replacingOccurrences(of: "/usr/bin/logbridge", with: try TestPaths.logbridgeBinary())
            .write(toFile: path, atomically: true, encoding: .utf8)
        let verify = try runCommand("/usr/bin/systemd-analyze", ["verify", path])
        let output = verify.output
        // Lines about other units on this machine are not ours; anything naming our unit is a finding.
        let findings = output.split(separator: "\n").filter { $0.contains(name) }
        #expect(verify.status == 0 || findings.isEmpty, "\(output)")
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func sampleConfigurationLoadsWithTheBinary() throws {
        // `logbridge ship` on the sample must fail only for reasons outside the file (no password file here),
        // never for a syntax or key error in the file itself.
        let ship = try runLogbridge(["ship", "--once", "--config", TestPaths.packageRoot + "/deploy/logbridge.yaml"])
        let output = ship.output
        #expect(ship.status != 0)
        #expect(output.contains("password_file") || output.contains("ca_file"), "\(output)")
        #expect(!output.contains("unknown key"), "\(output)")
    }
}
