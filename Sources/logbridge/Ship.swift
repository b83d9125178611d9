import ArgumentParser
import Config
import Foundation
import Listeners
import Logging
import Shipper

struct Ship: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the configured inputs and deliver them to the cluster.",
        discussion: """
            Without --once, follows the inputs live until SIGTERM or SIGINT, then stops reading, waits up to
            --shutdown-timeout (or shutdown_timeout in the file; 30 s) for in-flight batches, persists
            checkpoints and exits. SIGHUP re-reads the configuration: an invalid file is logged and ignored;
            a valid one stops the inputs the same graceful way and starts them again from their checkpoints.
            With --once, reads every input to its current end, delivers everything, waits for the
            acknowledgements, persists checkpoints, prints a summary and exits 0 only if nothing was left
            undelivered. An unreachable cluster is retried (with backoff) until it answers.
            """)

    @Option(name: .shortAndLong, help: "Configuration file (YAML).")
    var config: String = "/etc/logbridge/logbridge.yaml"

    @Flag(help: "Read every input to its current end, deliver, report and exit.")
    var once = false

    @Option(help: "Seconds to wait for in-flight batches after a stop signal (overrides shutdown_timeout; default 30).")
    var shutdownTimeout: Double?

    func run() throws {
        let cfg = try loadConfig(config)
        let logger = makeLogger(cfg.logging)
        // Every connection is a descriptor; systemd's default soft limit (1,024) is far below its hard limit.
        let files = FileDescriptorLimit.raiseToHard()
        logger.info("open file limit", metadata: ["soft": "\(files.soft)", "hard": "\(files.hard)"])
        let service = ShipService(configPath: config, config: cfg, once: once, shutdownTimeout: shutdownTimeout,
                                  logger: logger)
        _ = SignalWatcher(stop: [SIGTERM, SIGINT], reload: [SIGHUP]) { signal in
            if signal == SIGHUP { service.requestReload() } else { service.requestStop() }
        }
        do {
            let summary = try service.run()
            print("summary: \(summary)")
            if summary.undelivered > 0 { throw ExitCode(3) }
        } catch let e as ShipError {
            if case let .inputsFailed(_, summary) = e { print("summary: \(summary)") }
            throw ValidationFailure(e.description)
        }
    }
}

/// Config errors carry file, line and key; print them as they are, without a stack of wrappers.
func loadConfig(_ path: String, purpose: ConfigLoader.Purpose = .shipping) throws -> LogBridgeConfig {
    do { return try ConfigLoader.load(path: path, purpose: purpose) } catch { throw ValidationFailure("\(error)") }
}

struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

func makeLogger(_ settings: LoggingSettings) -> Logger {
    let level = Logger.Level(rawValue: settings.level.rawValue) ?? .info
    LoggingSystem.bootstrap { label in
        var h = StreamLogHandler.standardError(label: label)
        h.logLevel = level
        return h
    }
    return Logger(label: "logbridge")
}
