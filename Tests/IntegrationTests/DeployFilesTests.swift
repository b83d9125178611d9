import Foundation
import Testing
import TestSupport

/// The files in deploy/ are what an operator installs: they must be valid for the tools that read them.
@Suite struct DeployFilesTests {
    @Test(arguments: ["logbridge.service", "logbridge-alarms.service"])
    func systemdUnitPassesSystemdAnalyzeVerify(name: String) throws {
        let unit = try String(contentsOfFile: TestPaths.packageRoot + "/deploy/systemd/" + name, encoding: .utf8)
        let dir = try temporaryDirectory("lb-unit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Point the unit at the binary under test; everything else is verified as shipped.
        let path = dir + "/" + name
        try unit.replacingOccurrences(of: "/usr/bin/logbridge", with: try TestPaths.logbridgeBinary())
            .write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        p.arguments = ["verify", path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        try p.run()
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // Lines about other units on this machine are not ours; anything naming our unit is a finding.
        let findings = output.split(separator: "\n").filter { $0.contains(name) }
        #expect(p.terminationStatus == 0 || findings.isEmpty, "\(output)")
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test func sampleConfigurationLoadsWithTheBinary() throws {
        // `logbridge ship` on the sample must fail only for reasons outside the file (no password file here),
        // never for a syntax or key error in the file itself.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestPaths.logbridgeBinary())
        p.arguments = ["ship", "--once", "--config", TestPaths.packageRoot + "/deploy/logbridge.yaml"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        try p.run()
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        #expect(output.contains("password_file") || output.contains("ca_file"), "\(output)")
        #expect(!output.contains("unknown key"), "\(output)")
    }
}
