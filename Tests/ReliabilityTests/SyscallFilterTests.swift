import Foundation
import Testing
import TestSupport

/// The shipped systemd units and the code agree on system calls: the binary runs under exactly the unit's
/// `SystemCallFilter=` (and its other seccomp-based settings), applied with libseccomp by
/// `Tests/Seccomp/run-under-unit-filter.py` since PID 1 here need not be systemd. A call outside the filter
/// kills the process with SIGSYS (a shell or systemd reports status 159) instead of an exit with 0.
@Suite(.serialized) struct SyscallFilterTests {
    static let launcherScript = TestPaths.packageRoot + "/Tests/Seccomp/run-under-unit-filter.py"
    /// Debian's python3-seccomp installs for the system interpreter only.
    static let python = "/usr/bin/python3"

    static func launcher(unit: String) throws -> [String] {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            throw TestError("systemd-analyze missing (Debian package systemd; `make deps`)")
        }
        guard try runCommand(python, ["-c", "import seccomp"]).status == 0 else { throw TestError("python3-seccomp missing (`make deps`)") }
        return [python, launcherScript, unit]
    }

    static func unitPath(_ name: String) -> String { TestPaths.packageRoot + "/deploy/systemd/" + name }

    /// Every input type and `metrics:`, through start, SIGHUP (the inputs stop and re-open) and SIGTERM.
    @Test func shipperUnderItsUnitFilterShipsEveryInputThroughReloadAndStop() throws {
        let osmem = try OsmemServer()
        let feeds: [any CrashFeed] = [
            try JournalFeed(id: "sc-journal", perRound: 20), SyslogFeed(id: "sc-tcp", perRound: 20),
            SyslogFeed(id: "sc-udp", perRound: 20, transport: .udp), try FileFeed(id: "sc-file", perRound: 20),
            InfoLoggerServerFeed(id: "sc-ilg", perRound: 20),
        ]
        let metricsPort = freePort()
        let shipper = try ShipperProcess(.init(clusterURL: osmem.url, inputs: [], batchDocs: 20, metricsPort: metricsPort,
                                               shutdownTimeout: "5s"))
        defer { shipper.remove() }
        shipper.launcher = try Self.launcher(unit: Self.unitPath("logbridge.service"))
        let base = ShipperProcess.yaml(shipper.options, stateDirectory: shipper.stateDirectory)
        try shipper.writeRawConfig(base + feeds.flatMap(\.inputYAML).joined(separator: "\n") + "\n")

        func deliver(round: Int) throws {
            for f in feeds where f.needsRunningShipper { try f.feed(round: round) }
            for f in feeds { try f.settle() }
            let expected = feeds.reduce(0) { $0 + $1.expected.count }
            #expect(try eventually(60) { try osmem.count("logs-*") == expected },
                    "round \(round): \((try? osmem.count("logs-*")) ?? -1) of \(expected); \(shipper.stderr.suffix(2000))")
        }

        for f in feeds where !f.needsRunningShipper { try f.feed(round: 0) }
        try shipper.start()
        #expect(eventually(30) { httpGet(port: metricsPort, "/ready")?.status == 200 }, "\(shipper.stderr.suffix(2000))")
        try deliver(round: 0)

        for f in feeds where !f.needsRunningShipper { try f.feed(round: 1) }
        shipper.signal(SIGHUP)
        // Every listener of the new run is bound before the network feeds send (a UDP datagram sent into the
        // gap of the reload would be lost, and that is not what this test is about).
        #expect(eventually(30) {
            shipper.stderr.contains("configuration reloaded")
                && shipper.stderr.components(separatedBy: "syslog listening").count - 1 == 4
                && shipper.stderr.components(separatedBy: "InfoLogger server listening").count - 1 == 2
        }, "\(shipper.stderr.suffix(2000))")
        #expect(shipper.process?.isRunning == true, "SIGHUP: \(shipper.stderr.suffix(2000))")
        try deliver(round: 1)

        shipper.signal(SIGTERM)
        let status = try shipper.wait(timeout: 30)
        #expect(status == 0, "exit status \(status) (159 = SIGSYS: a system call outside the unit's filter); \(shipper.stderr.suffix(2000))")
        try expectExactlyOnce(osmem, feeds.reduce(into: Set<String>()) { $0.formUnion($1.expected) })
    }

    /// The launcher does enforce: the unit as it was shipped before (no `setpriority`) kills the shipper with
    /// SIGSYS at SIGTERM, when libdispatch starts a worker thread to shut the listeners down.
    @Test func theFilterWithoutSetpriorityKillsTheShipperAtStop() throws {
        let unit = try String(contentsOfFile: Self.unitPath("logbridge.service"), encoding: .utf8)
        let stripped = unit.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0 != "SystemCallFilter=setpriority" }.joined(separator: "\n")
        #expect(stripped != unit, "the unit names setpriority on a line of its own")
        let osmem = try OsmemServer()
        let syslog = SyslogFeed(id: "sc-kill", perRound: 5)
        let metricsPort = freePort()
        let shipper = try ShipperProcess(.init(clusterURL: osmem.url, inputs: [], metricsPort: metricsPort, shutdownTimeout: "5s"))
        defer { shipper.remove() }
        let unitCopy = shipper.directory + "/without-setpriority.service"
        try stripped.write(toFile: unitCopy, atomically: true, encoding: .utf8)
        shipper.launcher = try Self.launcher(unit: unitCopy)
        try shipper.writeRawConfig(ShipperProcess.yaml(shipper.options, stateDirectory: shipper.stateDirectory)
                                   + syslog.inputYAML.joined(separator: "\n") + "\n")
        try shipper.start()
        try syslog.feed(round: 0)
        #expect(try eventually(30) { try osmem.count("logs-*") == 5 }, "\(shipper.stderr.suffix(2000))")
        shipper.signal(SIGTERM)
        let status = try shipper.wait(timeout: 30)
        #expect(shipper.process?.terminationReason == .uncaughtSignal && status == SIGSYS,
                "status \(status), \(String(describing: shipper.process?.terminationReason)); \(shipper.stderr.suffix(1000))")
    }

    /// `logbridge alarms run` under logbridge-alarms.service: it queries, raises an alarm into the alarm
    /// index, and stops on SIGTERM. It has no reload (the unit has no ExecReload=).
    @Test func alarmJobUnderItsUnitFilterRaisesAndStops() throws {
        let osmem = try OsmemServer()
        let now = Date().timeIntervalSince1970
        let stamp = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now - 60))
        let seeded = try osmem.request("POST", "/_bulk?refresh=true", body: """
            {"create":{"_index":"logs-sc-default"}}
            {"@timestamp":"\(stamp)","message":"seccomp-alarm","host":{"name":"flp001"}}

            """)
        #expect(seeded.status == 200)
        let dir = try temporaryDirectory("lb-sc-alarms")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        try "name: sc-any\ntype: any\nindex: logs-*\nrun_every: {seconds: 1}\nbuffer_time: {minutes: 5}\n"
            .write(toFile: dir + "/rules/sc-any.yaml", atomically: true, encoding: .utf8)
        try "output:\n  hosts: [\"\(osmem.url)\"]\n  compression: none\ninputs:\n  - {type: journald, id: unused}\n"
            .write(toFile: dir + "/logbridge.yaml", atomically: true, encoding: .utf8)

        let command = try Self.launcher(unit: Self.unitPath("logbridge-alarms.service"))
            + [try TestPaths.logbridgeBinary(), "alarms", "run", "--config", dir + "/logbridge.yaml", "--rules", dir + "/rules"]
        let output = try outputFile(dir + "/stderr.log")
        let p = try startCommand(command[0], Array(command.dropFirst()), stdout: output, stderr: output)
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() } }
        let log = { (try? String(contentsOfFile: dir + "/stderr.log", encoding: .utf8)) ?? "" }

        #expect(try eventually(30) { (try? osmem.count("logbridge-alarms-*")) ?? 0 >= 1 }, "\(log().suffix(2000))")
        #expect(log().contains("alarm raised"), "\(log().suffix(2000))")
        sleep(2)  // a few more cycles under the filter
        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        #expect(!p.isRunning)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0,
                "status \(p.terminationStatus) (\(p.terminationReason == .uncaughtSignal ? "signal" : "exit")); \(log().suffix(2000))")
    }
}

/// A log file the file input tails: each round appends its lines (format plain, so the line is the message).
final class FileFeed: CrashFeed {
    let id: String
    let perRound: Int
    let directory: String
    private(set) var expected: Set<String> = []

    init(id: String, perRound: Int) throws {
        self.id = id
        self.perRound = perRound
        directory = try temporaryDirectory("lb-file-feed")
        _ = FileManager.default.createFile(atPath: directory + "/app.log", contents: nil)
    }

    var path: String { directory + "/app.log" }
    var inputYAML: [String] {
        ["  - type: file", "    id: \(id)", "    paths: [\"\(path)\"]", "    format: plain", "    poll_interval: 100ms",
         "    scan_interval: 1s"]
    }
    var needsRunningShipper: Bool { true }

    func feed(round: Int) throws {
        let range = (round * perRound)..<((round + 1) * perRound)
        let text = range.map { "\(id)-\($0)\n" }.joined()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        expected.formUnion(range.map { "\(id)-\($0)" })
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }
}
