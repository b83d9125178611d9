import Foundation
import TestSupport

/// One `logbridge ship` under test: the real binary, its configuration in a temporary directory, its stderr
/// kept in a file per start so a test can read what it logged.
final class ShipperProcess: @unchecked Sendable {
    struct Options {
        var clusterURL: String
        var inputs: [(id: String, directory: String)]
        var batchDocs = 50
        var inFlight = 2
        var requestTimeout = "2s"
        var metricsPort: Int? = nil
        var unreadyAfter = "3s"
        var shutdownTimeout: String? = nil
        var loggingLevel = "info"
        /// Extra lines under `output:` (auth, tls, …), already indented by two spaces.
        var outputExtra: [String] = []
    }

    let directory: String
    let configPath: String
    private(set) var options: Options
    private(set) var process: Process?
    private var starts = 0
    /// A command the binary is started through (its path and arguments follow), e.g. the system-call filter
    /// launcher; empty: the binary itself.
    var launcher: [String] = []

    init(_ options: Options) throws {
        directory = try temporaryDirectory("lb-rel")
        configPath = directory + "/logbridge.yaml"
        self.options = options
        try writeConfig(options)
    }

    var stateDirectory: String { directory + "/state" }
    func checkpointPath(_ input: String) -> String { stateDirectory + "/checkpoints/" + input }

    /// The input's persisted checkpoint; nil when there is none yet (no file, or the empty one reserved at start).
    func savedCheckpoint(_ input: String) -> String? {
        guard let text = try? String(contentsOfFile: checkpointPath(input), encoding: .utf8) else { return nil }
        let value = text.trimmingCharacters(in: .newlines)
        return value.isEmpty ? nil : value
    }

    static func yaml(_ o: Options, stateDirectory: String) -> String {
        var lines = [
            "state_dir: \(stateDirectory)",
            "logging: {level: \(o.loggingLevel)}",
        ]
        if let t = o.shutdownTimeout { lines.append("shutdown_timeout: \(t)") }
        if let port = o.metricsPort { lines.append("metrics: {listen: 127.0.0.1:\(port), unready_after: \(o.unreadyAfter)}") }
        lines += [
            "output:",
            "  hosts: [\"\(o.clusterURL)\"]",
            "  compression: none",
            "  max_in_flight: \(o.inFlight)",
            "  request_timeout: \(o.requestTimeout)",
            "  connect_timeout: 1s",
            "  batch: {max_docs: \(o.batchDocs), max_bytes: 1MiB, flush_interval: 100ms}",
            "  retry: {initial_backoff: 50ms, max_backoff: 500ms}",
        ] + o.outputExtra
        lines.append("inputs:")
        for i in o.inputs {
            lines += ["  - type: journald", "    id: \(i.id)", "    directory: \(i.directory)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func writeConfig(_ o: Options) throws {
        options = o
        try Self.yaml(o, stateDirectory: stateDirectory).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Replaces the configuration file with arbitrary text (a broken one, for instance).
    func writeRawConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var stderrPath: String { directory + "/stderr-\(starts).log" }
    var stdoutPath: String { directory + "/stdout-\(starts).log" }

    @discardableResult
    func start(once: Bool = false, extraArgs: [String] = []) throws -> Process {
        starts += 1
        let command = launcher + [try TestPaths.logbridgeBinary(), "ship", "--config", configPath]
            + (once ? ["--once"] : []) + extraArgs
        let p = try startCommand(command[0], Array(command.dropFirst()), stdout: outputFile(stdoutPath), stderr: outputFile(stderrPath))
        process = p
        return p
    }

    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// Every stderr and stdout written by every start so far.
    var allOutput: String {
        (1...max(1, starts)).map { n in
            ((try? String(contentsOfFile: directory + "/stderr-\(n).log", encoding: .utf8)) ?? "")
                + ((try? String(contentsOfFile: directory + "/stdout-\(n).log", encoding: .utf8)) ?? "")
        }.joined()
    }

    func signal(_ sig: Int32) {
        if let p = process, p.isRunning { kill(p.processIdentifier, sig) }
    }

    /// Waits for the process to exit; SIGKILLs it and throws when it takes longer than `timeout`.
    @discardableResult
    func wait(timeout: TimeInterval) throws -> Int32 {
        guard let p = process else { throw TestError("not started") }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            throw TestError("logbridge did not exit within \(timeout) s; stderr:\n\(stderr.suffix(3000))")
        }
        p.waitUntilExit()
        return p.terminationStatus
    }

    func kill9() {
        guard let p = process else { return }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// `ship --once` to the end.
    func runOnce(timeout: TimeInterval = 120) throws -> Int32 {
        try start(once: true)
        return try wait(timeout: timeout)
    }

    /// The summary line of the last start.
    var summary: [String: Int] { shipSummary(fromOutput: stdout) }

    func remove() {
        kill9()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
