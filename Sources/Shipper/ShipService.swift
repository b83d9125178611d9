import Config
import Foundation
import Logging
import Synchronization
import Telemetry
import Reporting

/// `logbridge ship` as a service: one `ShipRun` after another in the same process, the next one started by a
/// SIGHUP with a configuration that loaded cleanly, plus the metrics endpoint that outlives the runs.
///
/// A reload is a graceful stop followed by a start: inputs stop reading, in-flight batches get
/// `shutdown_timeout` to be acknowledged, checkpoints are persisted, then the new run's inputs re-open from
/// those checkpoints. Nothing in memory is carried over, so nothing can be lost or sent twice by the switch
/// (a batch the deadline cut off is read again and answered 409 by the cluster).
public final class ShipService: Sendable {
    public let configPath: String
    public let once: Bool
    private let logger: Logger
    private let shutdownTimeoutOverride: Double?
    private let limiter = LogThrottle()
    private let state: Mutex<State>

    private struct State {
        var config: LogBridgeConfig
        var current: ShipRun?
        var pending: LogBridgeConfig?
        var stopRequested = false
        var reloads = 0
        var endpoint: ProbeEndpoint?
        var endpointAddress: MetricsSettings.Address?
    }

    public init(configPath: String, config: LogBridgeConfig, once: Bool, shutdownTimeout: Double?, logger: Logger) {
        self.configPath = configPath
        self.once = once
        self.logger = logger
        shutdownTimeoutOverride = shutdownTimeout
        state = Mutex(State(config: config))
    }

    /// The deadline a stop gets: `--shutdown-timeout`, else `shutdown_timeout`, else 30 s.
    func shutdownTimeout(_ config: LogBridgeConfig) -> Double {
        shutdownTimeoutOverride ?? config.shutdownTimeoutSeconds ?? 30
    }

    /// Runs until stopped (or, with `once`, until the inputs are exhausted); returns the last run's summary.
    public func run() throws -> ShipSummary {
        var config = state.withLock { $0.config }
        try applyEndpoint(config.metrics, failHard: true)
        defer { state.withLock { s in s.endpoint?.stop(); s.endpoint = nil } }
        // The configuration of the run before a reload, while the reloaded one has not started.
        var previous: LogBridgeConfig? = nil
        while true {
            let run = ShipRun(config: config, once: once, logger: logger, logLimiter: limiter)
            let stopAtOnce = state.withLock { s in
                s.current = run
                return s.stopRequested || s.pending != nil
            }
            if stopAtOnce { run.requestStop() }
            let summary: ShipSummary
            do {
                summary = try run.run(shutdownTimeout: shutdownTimeout(config))
            } catch let error as ShipError {
                // A reload whose inputs cannot start (a new port taken) does not take the service down: the
                // previous configuration's inputs were open a moment ago.
                guard case .inputDidNotStart = error, let last = previous, !state.withLock({ $0.stopRequested }) else { throw error }
                logger.error("SIGHUP: the new configuration could not start; running the previous one again",
                             metadata: ["error": "\(error)"])
                state.withLock { s in s.config = last; s.reloads -= 1 }
                try? applyEndpoint(last.metrics, failHard: false)
                config = last
                previous = nil
                continue
            }
            previous = nil
            let next = state.withLock { s -> LogBridgeConfig? in
                guard !s.stopRequested, let next = s.pending else { return nil }
                s.pending = nil
                s.config = next
                s.reloads += 1
                return next
            }
            guard let next else { return summary }
            logger.notice("configuration reloaded; inputs re-open from their checkpoints",
                          metadata: ["config": "\(configPath)", "inputs": "\(next.inputs.map(\.id))", "previous_run": "\(summary)"])
            try? applyEndpoint(next.metrics, failHard: false)
            previous = config
            config = next
        }
    }

    /// SIGTERM/SIGINT.
    public func requestStop() {
        let run = state.withLock { s in s.stopRequested = true; return s.current }
        run?.requestStop()
    }

    /// SIGHUP: a file that does not load is reported and changes nothing.
    public func requestReload() {
        guard !once else {
            logger.warning("SIGHUP ignored: --once runs to the end with the configuration it started with")
            return
        }
        let next: LogBridgeConfig
        do { next = try ConfigLoader.load(path: configPath) } catch {
            logger.error("SIGHUP: the new configuration is invalid and was ignored; still running with the previous one",
                         metadata: ["error": "\(error)"])
            return
        }
        logger.notice("SIGHUP: configuration valid; stopping inputs to apply it", metadata: ["config": "\(configPath)"])
        let run = state.withLock { s in s.pending = next; return s.current }
        run?.requestStop()
    }

    /// What `/metrics`, `/health` and `/ready` answer.
    func answer(_ path: String) -> ProbeEndpoint.Answer {
        let (run, reloads, config, endpoint) = state.withLock { ($0.current, $0.reloads, $0.config, $0.endpoint) }
        let readiness = Readiness(unreadyAfter: config.metrics.unreadyAfterSeconds)
        let snapshot = run?.snapshot() ?? RunSnapshot()
        let verdict = readiness.evaluate(inputsOpen: snapshot.inputsOpen, lastAnsweredAt: snapshot.lastAnsweredAt, failingSince: snapshot.bulk?.failingSince,
                                         now: MonotonicClock.seconds())
        switch path {
        case "/metrics":
            return .init(status: 200, contentType: PrometheusText.contentType,
                         body: ShipMetrics.render(snapshot, readiness: verdict, reloads: reloads, endpoint: endpoint?.stats))
        case "/health", "/healthz", "/live":
            return .init(status: 200, body: "alive\n")
        case "/ready", "/readyz":
            return .init(status: verdict.ready ? 200 : 503, body: verdict.reason + "\n")
        default:
            return .init(status: 404, body: "try /metrics, /health or /ready\n")
        }
    }

    /// Starts, moves or stops the endpoint to match `settings`.
    private func applyEndpoint(_ settings: MetricsSettings, failHard: Bool) throws {
        let (old, oldAddress) = state.withLock { ($0.endpoint, $0.endpointAddress) }
        guard settings.listen != oldAddress || (old == nil && settings.listen != nil) else { return }
        old?.stop()
        state.withLock { $0.endpoint = nil; $0.endpointAddress = nil }
        guard let address = settings.listen else { return }
        do {
            let endpoint = try ProbeEndpoint(host: address.host, port: address.port) { [weak self] path in
                self?.answer(path) ?? .init(status: 503, body: "stopping\n")
            }
            state.withLock { $0.endpoint = endpoint; $0.endpointAddress = address }
            logger.info("metrics endpoint listening", metadata: ["address": "\(address)"])
        } catch {
            logger.error("cannot listen for metrics", metadata: ["address": "\(address)", "error": "\(error)"])
            if failHard { throw error }
        }
    }
}
