import Foundation
import TestSupport

/// Runs the real `logbridge` binary against a real engine, the way an operator would.
struct ShipperHarness {
    let directory: String
    let journalDirectory: String
    let configPath: String

    init(clusterURL: String, journalDirectory: String, batchDocs: Int = 500, inFlight: Int = 2,
         compression: String = "gzip") throws {
        directory = try temporaryDirectory("lb-it")
        self.journalDirectory = journalDirectory
        configPath = directory + "/logbridge.yaml"
        let yaml = """
            state_dir: \(directory)/state
            logging: {level: info}
            output:
              hosts: ["\(clusterURL)"]
              compression: \(compression)
              max_in_flight: \(inFlight)
              batch: {max_docs: \(batchDocs), max_bytes: 1MiB, flush_interval: 200ms}
              retry: {initial_backoff: 100ms, max_backoff: 1s}
            inputs:
              - type: journald
                id: farm
                directory: \(journalDirectory)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var checkpointPath: String { directory + "/state/checkpoints/farm" }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// `summary: read=… indexed=…` parsed into numbers.
        var summary: [String: Int] { shipSummary(fromOutput: stdout) }
    }

    func start(_ args: [String]) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try TestPaths.logbridgeBinary())
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    func run(_ args: [String], timeout: TimeInterval = 120) throws -> Result {
        let (p, out, err) = try start(args)
        // Drain both pipes while waiting so a chatty process never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit(); throw TestError("logbridge \(args) timed out") }
        p.waitUntilExit()
        group.wait()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    func shipOnce(timeout: TimeInterval = 120) throws -> Result {
        try run(["ship", "--once", "--config", configPath], timeout: timeout)
    }

    func setup() throws -> Result {
        try run(["setup", "--config", configPath, "--mappings", TestPaths.packageRoot + "/Mappings"])
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Journal entries for the integration tests: `count` numbered messages over a few hosts.
func numberedEntries(_ count: Int, start: Int = 1_795_912_000_000_000, hosts: Int = 4) -> [JournalFixture.Entry] {
    (0..<count).map { i in
        JournalFixture.entry([
            ("__REALTIME_TIMESTAMP", "\(start + i * 1000)"), ("__MONOTONIC_TIMESTAMP", "\(1_000_000 + i * 1000)"),
            ("_BOOT_ID", String(format: "%032x", 0xb007 + i % hosts)), ("_MACHINE_ID", String(format: "%032x", 0xabc + i % hosts)),
            ("_HOSTNAME", String(format: "flp%03d", 1 + i % hosts)), ("PRIORITY", "\(i % 8)"), ("SYSLOG_FACILITY", "3"),
            ("SYSLOG_IDENTIFIER", "readout"), ("_PID", "\(1000 + i % hosts)"), ("_COMM", "o2-readout-exe"),
            ("_SYSTEMD_UNIT", "readout.service"), ("_TRANSPORT", "journal"), ("MESSAGE", "entry \(i)"),
        ])
    }
}
