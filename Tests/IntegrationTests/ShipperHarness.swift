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

    /// `logbridge <args>` started in the background, its stdout and stderr in files (nothing blocks on a
    /// pipe nobody reads); the caller stops it. `startedStdout` reads what the last one wrote.
    func start(_ args: [String]) throws -> Process {
        try startLogbridge(args, stdout: outputFile(directory + "/stdout.log"), stderr: outputFile(directory + "/stderr.log"))
    }

    var startedStdout: String { (try? String(contentsOfFile: directory + "/stdout.log", encoding: .utf8)) ?? "" }

    func run(_ args: [String], timeout: TimeInterval = 120) throws -> CommandResult {
        try runLogbridge(args, timeout: timeout)
    }

    func shipOnce(timeout: TimeInterval = 120) throws -> CommandResult {
        try run(["ship", "--once", "--config", configPath], timeout: timeout)
    }

    func setup() throws -> CommandResult {
        try run(["setup", "--config", configPath, "--mappings", TestPaths.packageRoot + "/Mappings"])
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

extension CommandResult {
    /// `summary: read=… indexed=…` of a `ship` run, parsed into numbers.
    var summary: [String: Int] { shipSummary(fromOutput: stdout) }
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
