import Bulk
import Config
import ECS
import Foundation
import Inputs
import Logging
import Pipeline
import Synchronization
import Telemetry
import Instrumentation

/// What a finished run reports; `ship --once` exits 0 only when `undelivered` is 0.
public struct ShipSummary: Sendable, CustomStringConvertible {
    public var read = 0
    public var indexed = 0
    public var duplicates = 0
    public var deadLettered = 0
    public var retried = 0
    public var malformed = 0
    public var checkpointsLost = 0
    /// The inputs' own fields (`Input.summaryFields`), summed by name in the order first seen; printed after the
    /// common ones (an InfoLogger input adds `infologger_messages=…`).
    public var inputFields: [(String, Int)] = []
    /// Read but not acknowledged when the run ended; they are read again next time (checkpoint not advanced).
    public var undelivered: Int { max(0, read - indexed - duplicates - deadLettered) }

    public var description: String {
        "read=\(read) indexed=\(indexed) duplicates=\(duplicates) dead_lettered=\(deadLettered) "
            + "failed=\(undelivered) retried=\(retried) malformed=\(malformed) checkpoints_lost=\(checkpointsLost)"
            + inputFields.map { " \($0.0)=\($0.1)" }.joined()
    }

    mutating func add(_ fields: [(String, Int)]) {
        for (name, value) in fields {
            if let i = inputFields.firstIndex(where: { $0.0 == name }) { inputFields[i].1 += value } else { inputFields.append((name, value)) }
        }
    }
}

/// One `logbridge ship`: starts the output, runs every input on its own thread, and keeps each input's
/// acknowledgement window and checkpoint (`RunningInput`); checkpoints are written by the run's own loop.
public final class ShipRun: @unchecked Sendable {
    public let config: LogBridgeConfig
    public let once: Bool
    private let logger: Logger
    private let plainLogger: Logger
    /// Shared by every logger of the run: a failing input or disk logs a line every few seconds, not a storm.
    private let logLimiter: LogThrottle
    private let stopping = Atomic<Bool>(false)
    /// When the stop was asked for (monotonic seconds), so the shutdown deadline counts from the signal.
    private let stopRequestedAt = Mutex<Double?>(nil)
    private let lock = NSLock()
    // Under `lock`: what the delivery thread and the metrics endpoint read while the run goes on.
    private var totals = ShipSummary()
    /// Every input of the run in configuration order; set once, before any input opens.
    private var running: [RunningInput] = []
    private var byID: [String: RunningInput] = [:]
    private var output: BulkOutput?
    private var clusterAnsweredAt: Double?
    /// Every input opened; the run is not ready before.
    private var inputsOpen = false
    /// Writes the miners' patterns to the catalogue and saves their state; nil before the inputs open.
    private var catalogue: PatternCatalogue?
    /// Writes the health documents; nil before the inputs open and with `health.enabled: false`.
    private var health: HealthReporter?
    private var store: CheckpointStore!
    /// How often a moving checkpoint is written while batches keep completing.
    public var checkpointInterval: TimeInterval = 1

    public init(config: LogBridgeConfig, once: Bool, logger: Logger, logLimiter: LogThrottle = LogThrottle()) {
        self.config = config
        self.once = once
        self.logLimiter = logLimiter
        self.plainLogger = logger
        self.logger = logger.rateLimited(logLimiter)
    }

    public func requestStop() {
        if !stopping.exchange(true, ordering: .relaxed) {
            stopRequestedAt.withLock { $0 = MonotonicClock.seconds() }
            logger.notice("stopping: inputs close, in-flight batches are given time to finish")
        }
    }

    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Runs until the inputs are exhausted (`once`) or `requestStop()`; returns what happened.
    public func run(shutdownTimeout: TimeInterval = 30) throws -> ShipSummary {
        store = try CheckpointStore(stateDirectory: config.stateDirectory)
        // Built (not opened) before the output starts, so a state directory that cannot hold spools stops here.
        let inputs = try InputFactory.makeAll(config.inputs, stateDirectory: config.stateDirectory)
        let running = inputs.map(RunningInput.init)
        lock.withLock {
            self.running = running
            byID = Dictionary(uniqueKeysWithValues: running.map { ($0.id, $0) })
        }
        if config.output.tls.insecure {
            // Not rate-limited: every start (and reload) must say it.
            plainLogger.warning("TLS verification is OFF (output.tls.insecure: true): the cluster's identity is not checked")
        }
        // Only said, never waited for: against a black-holed cluster `GET /` takes the whole request timeout
        // (60 s by default), and the inputs (syslog listeners among them) must not open that much later, nor a
        // stop wait for it. The output retries until the cluster answers, and nothing is acknowledged before.
        let client = ClusterClient(settings: config.output)
        let detection = Thread { [logger, weak self] in
            do {
                let info = try client.detect()
                if let self { self.lock.withLock { self.clusterAnsweredAt = MonotonicClock.seconds() } }
                logger.info("cluster detected", metadata: ["flavor": "\(info.flavor)", "version": "\(info.version)"])
            } catch {
                logger.warning("cluster not reachable yet; will keep retrying", metadata: ["error": "\(error)"])
            }
        }
        detection.name = "cluster-detect"
        detection.start()

        // Bulk limits its own retry lines per host; it gets the plain logger.
        let output = try BulkOutput(settings: config.output, stateDirectory: config.stateDirectory, logger: plainLogger,
                                    onComplete: { [weak self] outcome in self?.completed(outcome) })
        output.start()
        lock.withLock { self.output = output }

        let agent = AgentInfo(name: Self.hostName(), id: Self.machineID(),
                              dataStreamNamespace: config.output.mode == .dataStream ? config.output.namespace : nil)
        let taggers = PatternCatalogue.makeTaggers(config, logger: logger)
        // Every input opens (listeners bound, spools and journals open) before any starts reading: a run
        // starts whole or not at all, and `/ready` stays 503 until then.
        var contexts: [InputContext] = []
        do {
            for (input, tracked) in zip(inputs, running) {
                let checkpoint = try store.load(inputID: input.id)
                // A spooled input's checkpoint is what frees its spool; on a disk that fills before the first
                // one it must still be writable (in place, see `CheckpointStore.save`).
                if checkpoint == nil && input.checkpointFreesSpace { store.reserve(inputID: input.id) }
                let context = InputContext(
                    once: once, output: config.output, agent: agent,
                    logger: logger.with(input: input.id), checkpoint: checkpoint,
                    submit: { batch in
                        tracked.submitted(sequence: batch.sequence)
                        output.submit(batch)
                    },
                    isStopping: { [weak self] in self?.isStopping ?? true },
                    patterns: taggers[input.id])
                do { try input.open(context) } catch {
                    throw ShipError.inputDidNotStart(id: input.id, type: input.type, reason: "\(error)")
                }
                contexts.append(context)
            }
        } catch {
            for opened in inputs[..<contexts.count] { opened.close() }
            output.stop()
            throw error
        }
        lock.withLock { inputsOpen = true }
        logger.info("inputs open", metadata: ["inputs": "\(inputs.count)"])
        let catalogue = PatternCatalogue(
            sources: config.inputs.compactMap { i in taggers[i.id].map { .init(tagger: $0, dataset: i.dataset) } },
            client: config.patterns.catalogue ? ClusterClient(settings: config.output) : nil,
            hostName: agent.name, interval: config.patterns.catalogueIntervalSeconds, logger: plainLogger)
        catalogue.start()
        let health = config.health.enabled
            ? HealthReporter(sources: running, client: ClusterClient(settings: config.output), hostName: agent.name,
                             interval: config.health.intervalSeconds, logger: plainLogger)
            : nil
        health?.start()
        lock.withLock { self.catalogue = catalogue; self.health = health }

        let finished = DispatchGroup()
        let failures = FailureList()
        var threads: [Thread] = []
        for (input, context) in zip(inputs, contexts) {
            finished.enter()
            let t = Thread {
                do { try input.run(context) } catch {
                    context.logger.error("input failed", metadata: ["error": "\(error)"])
                    failures.append("\(input.id): \(error)")
                }
                finished.leave()
            }
            t.name = "input-\(input.id)"
            threads.append(t)
        }
        PageRelease.cleanFileMappings()
        threads.forEach { $0.start() }
        // An input may be blocked handing over a batch while the cluster is down; past the stop deadline
        // the output is stopped, which releases it (the batch is abandoned and read again next time).
        var abandoned = false
        while finished.wait(timeout: .now() + 0.2) == .timedOut {
            // The last batch before a stall (cluster gone, spool or disk full) must still be written: a blocked
            // network input waits for exactly the space that this checkpoint lets the spool free.
            flushCheckpoints(olderThan: checkpointInterval)
            if let deadline = stopDeadline(shutdownTimeout), MonotonicClock.seconds() >= deadline, !abandoned {
                abandoned = true
                output.stop()
            }
        }

        // Without a stop request (`--once`) this waits as long as the cluster needs; a stop that arrives
        // meanwhile still gets its deadline.
        while !abandoned && !output.waitUntilIdle(timeout: 0.2) {
            flushCheckpoints(olderThan: checkpointInterval)
            if let deadline = stopDeadline(shutdownTimeout), MonotonicClock.seconds() >= deadline { abandoned = true }
        }
        if abandoned {
            logger.warning("shutdown deadline reached with batches still unacknowledged; they will be read again",
                           metadata: ["deadline_s": "\(shutdownTimeout)"])
        }
        output.stop()
        flushCheckpoints()
        // The catalogue's last write shares the shutdown deadline (a `--once` run without a stop request gets
        // the same allowance from now); after an abandoned output it is skipped, the state is still saved.
        catalogue.stop(writeCatalogue: !abandoned,
                       deadline: stopDeadline(shutdownTimeout) ?? MonotonicClock.seconds() + shutdownTimeout)
        // After the output's last answers, so the last sample counts them.
        health?.stop(write: !abandoned, deadline: stopDeadline(shutdownTimeout) ?? MonotonicClock.seconds() + shutdownTimeout)

        var summary = lock.withLock { totals }
        for input in inputs {
            summary.read += input.counters.read.load(ordering: .relaxed)
            summary.malformed += input.counters.malformed.load(ordering: .relaxed)
            summary.checkpointsLost += input.counters.checkpointsLost.load(ordering: .relaxed)
            summary.add(input.summaryFields())
        }
        let failed = failures.all
        if !failed.isEmpty { throw ShipError.inputsFailed(failed, summary) }
        return summary
    }

    /// What the metrics endpoint shows: every input's metrics, read now.
    public func snapshot() -> RunSnapshot {
        let (running, output, answered, open, catalogue, health) = lock.withLock {
            (self.running, self.output, clusterAnsweredAt, inputsOpen, self.catalogue, self.health)
        }
        var out = RunSnapshot(bulk: output?.stats, clusterAnsweredAt: answered)
        out.inputsOpen = open
        out.health = health?.metrics() ?? []
        out.inputs = running.map { r in
            InputSnapshot(id: r.id, type: r.input.type, metrics: r.input.metrics() + (catalogue?.metrics(forInput: r.id) ?? []),
                          checkpointSavedAt: r.savedAt ?? checkpointFileTime(r.id))
        }
        return out
    }

    /// Before this run saved one, the checkpoint's age is that of the file a previous run left.
    private func checkpointFileTime(_ id: String) -> Double? {
        guard let store else { return nil }
        var st = stat()
        guard stat(store.path(for: id), &st) == 0 else { return nil }
        return Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    }

    /// Monotonic time by which a requested stop must be done; nil while no stop was requested.
    private func stopDeadline(_ shutdownTimeout: TimeInterval) -> Double? {
        stopRequestedAt.withLock { $0 }.map { $0 + shutdownTimeout }
    }

    /// On the delivery thread: counts, and moves the input's acknowledgement window. The checkpoint it
    /// reaches is written by the run's loop (`flushCheckpoints`), never here.
    private func completed(_ outcome: BatchOutcome) {
        let input = lock.withLock { () -> RunningInput? in
            totals.indexed += outcome.indexed
            totals.duplicates += outcome.duplicates
            totals.deadLettered += outcome.deadLettered
            totals.retried += outcome.retried
            return byID[outcome.inputID]
        }
        input?.acknowledged(outcome)
    }

    /// Writes the pending checkpoints (all of them, or those of inputs that last wrote `age` seconds ago or
    /// more). Called by the run's loop only, so writes are one at a time and a newer checkpoint is never
    /// overwritten by an older one.
    private func flushCheckpoints(olderThan age: TimeInterval? = nil) {
        let now = MonotonicClock.seconds()
        for r in lock.withLock({ running }) {
            guard let due = r.takeDue(interval: age, now: now) else { continue }
            do {
                try store.save(due.checkpoint, inputID: r.id)
                r.persisted(at: Date().timeIntervalSince1970)
                r.input.checkpointPersisted(due.checkpoint)
            } catch {
                // Kept for the next periodic flush, unless a newer one is already waiting.
                r.failed(due)
                logger.error("cannot persist checkpoint; will retry, and entries since the last one would be re-sent after a restart",
                             metadata: ["input": "\(r.id)", "error": "\(error)"])
            }
        }
    }

    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        return gethostname(&buf, 255) == 0 ? String(cString: buf) : "unknown"
    }

    static func machineID() -> String {
        (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }
}

/// Input threads report fatal errors (a journal that cannot be opened) here.
private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}

public enum ShipError: Error, CustomStringConvertible {
    case inputsFailed([String], ShipSummary)
    /// An input could not open (a port taken, a journal directory missing): nothing was read.
    case inputDidNotStart(id: String, type: String, reason: String)
    public var description: String {
        switch self {
        case let .inputsFailed(f, _): return (f.count == 1 ? "input failed: " : "inputs failed: ") + f.joined(separator: "; ")
        case let .inputDidNotStart(id, type, reason): return "input \(id) (type \(type)) did not start: \(reason)"
        }
    }
}

extension Logger {
    func with(input: String) -> Logger {
        var l = self
        l[metadataKey: "input"] = "\(input)"
        return l
    }
}
