import Bulk
import Config
import ECS
import Foundation
import InfoLoggerInput
import Inputs
import Logging
import Pipeline
import Synchronization
import Telemetry

/// What a finished run reports; `ship --once` exits 0 only when `undelivered` is 0.
public struct ShipSummary: Sendable, CustomStringConvertible {
    public var read = 0
    public var indexed = 0
    public var duplicates = 0
    public var deadLettered = 0
    public var retried = 0
    public var malformed = 0
    public var checkpointsLost = 0
    /// Summed over the InfoLogger inputs; nil (and not printed) when there is none.
    public var infologger: InfoLoggerCounters.Snapshot?
    /// Read but not acknowledged when the run ended; they are read again next time (checkpoint not advanced).
    public var undelivered: Int { max(0, read - indexed - duplicates - deadLettered) }

    public var description: String {
        "read=\(read) indexed=\(indexed) duplicates=\(duplicates) dead_lettered=\(deadLettered) "
            + "failed=\(undelivered) retried=\(retried) malformed=\(malformed) checkpoints_lost=\(checkpointsLost)"
            + (infologger.map { i in
                " infologger_messages=\(i.messages) infologger_malformed=\(i.malformed) "
                    + "infologger_protocol_errors=\(i.protocolErrors) infologger_connections=\(i.connectionsAccepted) "
                    + "infologger_acks=\(i.acksSent) infologger_gaps=\(i.gaps) "
                    + "infologger_tee_forwarded=\(i.teeForwarded) infologger_tee_dropped=\(i.teeDropped)"
            } ?? "")
    }
}

/// One `logbridge ship`: starts the output, runs every input on its own thread, and keeps each input's
/// acknowledgement window and checkpoint.
public final class ShipRun: @unchecked Sendable {
    public let config: LogBridgeConfig
    public let once: Bool
    private let logger: Logger
    private let plainLogger: Logger
    /// Shared by every logger of the run: a failing input or disk logs a line every few seconds, not a storm.
    private let logLimiter: LogRateLimiter
    private let stopping = Atomic<Bool>(false)
    /// When the stop was asked for (monotonic seconds), so the shutdown deadline counts from the signal.
    private let stopRequestedAt = Mutex<Double?>(nil)
    private let lock = NSLock()
    private var windows: [String: AcknowledgementWindow] = [:]
    /// Acknowledged checkpoints not yet written, each with its place in the input's sequence of checkpoints.
    private var unsaved: [String: (generation: Int, checkpoint: Checkpoint)] = [:]
    private var generations: [String: Int] = [:]
    private var lastSave: [String: Date] = [:]
    /// Checkpoint writes happen on the delivery thread and on the run's own loop: one at a time, and never
    /// an older checkpoint over a newer one.
    private let saveLock = NSLock()
    private var savedGeneration: [String: Int] = [:]
    private var totals = ShipSummary()
    private var store: CheckpointStore!
    private var inputs: [String: any Input] = [:]
    // What the metrics endpoint reads while the run goes on.
    private var output: BulkOutput?
    private var checkpointSavedAt: [String: Double] = [:]
    private var clusterAnsweredAt: Double?
    private var inputOrder: [String] = []
    /// Every input opened; the run is not ready before.
    private var inputsOpen = false
    /// Writes the miners' patterns to the catalogue and saves their state; nil before the inputs open.
    private var catalogue: PatternCatalogue?
    /// How often a moving checkpoint is written while batches keep completing.
    public var checkpointInterval: TimeInterval = 1

    public init(config: LogBridgeConfig, once: Bool, logger: Logger, logLimiter: LogRateLimiter = LogRateLimiter()) {
        self.config = config
        self.once = once
        self.logLimiter = logLimiter
        self.plainLogger = logger
        self.logger = logger.rateLimited(logLimiter)
    }

    public func requestStop() {
        if !stopping.exchange(true, ordering: .relaxed) {
            stopRequestedAt.withLock { $0 = Readiness.monotonicNow() }
            logger.notice("stopping: inputs close, in-flight batches are given time to finish")
        }
    }

    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Runs until the inputs are exhausted (`once`) or `requestStop()`; returns what happened.
    public func run(shutdownTimeout: TimeInterval = 30) throws -> ShipSummary {
        store = try CheckpointStore(stateDirectory: config.stateDirectory)
        // Network inputs keep their spools under <state_dir>/spool/<id>; the spool creates only its own directory.
        let spoolRoot = config.stateDirectory + "/spool"
        if mkdir(spoolRoot, 0o700) != 0 && errno != EEXIST {
            throw CheckpointError.io(path: spoolRoot, what: "mkdir", errno: errno)
        }
        if config.output.tls.insecure {
            // Not rate-limited: every start (and reload) must say it.
            plainLogger.warning("TLS verification is OFF (output.tls.insecure: true): the cluster's identity is not checked")
        }
        let client = try ClusterClient(settings: config.output)
        do {
            let info = try client.detect()
            lock.withLock { clusterAnsweredAt = Readiness.monotonicNow() }
            logger.info("cluster detected", metadata: ["flavor": "\(info.flavor)", "version": "\(info.version)"])
        } catch {
            // Not fatal: the output retries until the cluster answers, and nothing is acknowledged before.
            logger.warning("cluster not reachable yet; will keep retrying", metadata: ["error": "\(error)"])
        }

        // Bulk limits its own retry lines per host; it gets the plain logger.
        let output = try BulkOutput(settings: config.output, stateDirectory: config.stateDirectory, logger: plainLogger,
                                    onComplete: { [weak self] outcome in self?.completed(outcome) })
        output.start()
        lock.withLock { self.output = output }

        let agent = AgentInfo(name: Self.hostName(), id: Self.machineID(),
                              dataStreamNamespace: config.output.mode == .dataStream ? config.output.namespace : nil)
        let inputs = try config.inputs.map { try InputFactory.make($0, stateDirectory: config.stateDirectory) }
        let byID = Dictionary(uniqueKeysWithValues: inputs.map { ($0.id, $0) })
        lock.withLock { self.inputs = byID; inputOrder = inputs.map(\.id) }
        let taggers = PatternCatalogue.makeTaggers(config, logger: logger)
        // Every input opens (listeners bound, spools and journals open) before any starts reading: a run
        // starts whole or not at all, and `/ready` stays 503 until then.
        var contexts: [InputContext] = []
        do {
            for input in inputs {
                let checkpoint = try store.load(inputID: input.id)
                // A spooled input's checkpoint is what frees its spool; on a disk that fills before the first
                // one it must still be writable (in place, see `CheckpointStore.save`).
                if checkpoint == nil && input is SpooledInput { store.reserve(inputID: input.id) }
                lock.withLock { windows[input.id] = AcknowledgementWindow() }
                let context = InputContext(
                    once: once, output: config.output, agent: agent,
                    logger: logger.with(input: input.id), checkpoint: checkpoint,
                    submit: { batch in output.submit(batch) },
                    isStopping: { [weak self] in self?.isStopping ?? true },
                    patterns: taggers[input.id])
                do { try input.open(context) } catch {
                    let type = config.inputs.first { $0.id == input.id }?.typeName ?? "unknown"
                    throw ShipError.inputDidNotStart(id: input.id, type: type, reason: "\(error)")
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
        lock.withLock { self.catalogue = catalogue }

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
            if let deadline = stopDeadline(shutdownTimeout), Readiness.monotonicNow() >= deadline, !abandoned {
                abandoned = true
                output.stop()
            }
        }

        // Without a stop request (`--once`) this waits as long as the cluster needs; a stop that arrives
        // meanwhile still gets its deadline.
        while !abandoned && !output.waitUntilIdle(timeout: 0.2) {
            if let deadline = stopDeadline(shutdownTimeout), Readiness.monotonicNow() >= deadline { abandoned = true }
        }
        if abandoned {
            logger.warning("shutdown deadline reached with batches still unacknowledged; they will be read again",
                           metadata: ["deadline_s": "\(shutdownTimeout)"])
        }
        output.stop()
        flushCheckpoints()
        catalogue.stop()

        var summary = lock.withLock { totals }
        for input in inputs {
            summary.read += input.counters.read.load(ordering: .relaxed)
            summary.malformed += input.counters.malformed.load(ordering: .relaxed)
            summary.checkpointsLost += input.counters.checkpointsLost.load(ordering: .relaxed)
            if let il = InfoLoggerInput.counters(of: input) {
                summary.infologger = (summary.infologger ?? .init()) + il.snapshot()
            }
        }
        let failed = failures.all
        if !failed.isEmpty { throw ShipError.inputsFailed(failed, summary) }
        return summary
    }

    /// What the metrics endpoint shows: a copy of every counter, taken under the lock.
    public func snapshot() -> RunSnapshot {
        let (inputs, order, output, saved, answered, open) = lock.withLock {
            (self.inputs, inputOrder, self.output, checkpointSavedAt, clusterAnsweredAt, inputsOpen)
        }
        let types = Dictionary(config.inputs.map { ($0.id, $0.typeName) }, uniquingKeysWith: { a, _ in a })
        var out = RunSnapshot(bulk: output?.stats, clusterAnsweredAt: answered)
        out.inputsOpen = open
        for id in order {
            guard let input = inputs[id] else { continue }
            var i = InputSnapshot(id: id, type: types[id] ?? "unknown")
            i.received = input.counters.read.load(ordering: .relaxed)
            i.malformed = input.counters.malformed.load(ordering: .relaxed)
            i.dropped = input.counters.dropped.load(ordering: .relaxed)
            i.checkpointsLost = input.counters.checkpointsLost.load(ordering: .relaxed)
            i.checkpointSavedAt = saved[id] ?? checkpointFileTime(id)
            if let spooled = input as? SpooledInput {
                i.spool = spooled.spoolMetrics()
                i.listener = spooled.receiver.listenerStats?.snapshot()
            }
            i.infologger = InfoLoggerInput.counters(of: input)?.snapshot()
            if let journal = input as? JournaldInput {
                let t = journal.lastReadRealtime.load(ordering: .relaxed)
                i.lastEventMicros = t > 0 ? t : nil
            }
            out.inputs.append(i)
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

    private func completed(_ outcome: BatchOutcome) {
        var toSave: (String, Int, Checkpoint)? = nil
        lock.withLock {
            totals.indexed += outcome.indexed
            totals.duplicates += outcome.duplicates
            totals.deadLettered += outcome.deadLettered
            totals.retried += outcome.retried
            guard var window = windows[outcome.inputID] else { return }
            if let cp = window.complete(sequence: outcome.sequence, checkpoint: outcome.checkpoint) {
                let generation = generations[outcome.inputID, default: 0] + 1
                generations[outcome.inputID] = generation
                unsaved[outcome.inputID] = (generation, cp)
                let last = lastSave[outcome.inputID] ?? .distantPast
                if Date().timeIntervalSince(last) >= checkpointInterval {
                    toSave = (outcome.inputID, generation, cp)
                    unsaved[outcome.inputID] = nil
                    lastSave[outcome.inputID] = Date()
                }
            }
            windows[outcome.inputID] = window
        }
        if let (id, generation, cp) = toSave { save(cp, id, generation) }
    }

    /// Writes the pending checkpoints (all of them, or those whose input last saved `age` seconds ago or more).
    private func flushCheckpoints(olderThan age: TimeInterval? = nil) {
        let now = Date()
        let pending = lock.withLock { () -> [(String, Int, Checkpoint)] in
            var due: [(String, Int, Checkpoint)] = []
            for (id, entry) in unsaved {
                if let age, now.timeIntervalSince(lastSave[id] ?? .distantPast) < age { continue }
                due.append((id, entry.generation, entry.checkpoint))
                unsaved[id] = nil
                lastSave[id] = now
            }
            return due
        }
        for (id, generation, cp) in pending { save(cp, id, generation) }
    }

    private func save(_ cp: Checkpoint, _ id: String, _ generation: Int) {
        saveLock.lock()
        defer { saveLock.unlock() }
        guard generation > savedGeneration[id, default: 0] else { return }
        do {
            try store.save(cp, inputID: id)
            savedGeneration[id] = generation
            let input = lock.withLock { () -> (any Input)? in
                checkpointSavedAt[id] = Date().timeIntervalSince1970
                return inputs[id]
            }
            input?.checkpointPersisted(cp)
        } catch {
            // Kept for the next periodic flush, unless a newer one is already waiting.
            lock.withLock {
                if (unsaved[id]?.generation ?? 0) < generation { unsaved[id] = (generation, cp) }
            }
            logger.error("cannot persist checkpoint; will retry, and entries since the last one would be re-sent after a restart",
                         metadata: ["input": "\(id)", "error": "\(error)"])
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
