import Bulk
import Config
import ECS
import Foundation
import Inputs
import Logging
import Pipeline
import Synchronization

/// What a finished run reports; `ship --once` exits 0 only when `undelivered` is 0.
public struct ShipSummary: Sendable, CustomStringConvertible {
    public var read = 0
    public var indexed = 0
    public var duplicates = 0
    public var deadLettered = 0
    public var retried = 0
    public var malformed = 0
    public var checkpointsLost = 0
    /// Read but not acknowledged when the run ended; they are read again next time (checkpoint not advanced).
    public var undelivered: Int { max(0, read - indexed - duplicates - deadLettered) }

    public var description: String {
        "read=\(read) indexed=\(indexed) duplicates=\(duplicates) dead_lettered=\(deadLettered) "
            + "failed=\(undelivered) retried=\(retried) malformed=\(malformed) checkpoints_lost=\(checkpointsLost)"
    }
}

/// One `logbridge ship`: starts the output, runs every input on its own thread, and keeps each input's
/// acknowledgement window and checkpoint.
public final class ShipRun: @unchecked Sendable {
    public let config: LogBridgeConfig
    public let once: Bool
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let lock = NSLock()
    private var windows: [String: AcknowledgementWindow] = [:]
    private var unsaved: [String: Checkpoint] = [:]
    private var lastSave: [String: Date] = [:]
    private var totals = ShipSummary()
    private var store: CheckpointStore!
    private var inputs: [String: any Input] = [:]
    /// How often a moving checkpoint is written while batches keep completing.
    public var checkpointInterval: TimeInterval = 1

    public init(config: LogBridgeConfig, once: Bool, logger: Logger) {
        self.config = config
        self.once = once
        self.logger = logger
    }

    public func requestStop() {
        if !stopping.exchange(true, ordering: .relaxed) {
            logger.notice("stopping: inputs close, in-flight batches are given time to finish")
        }
    }

    public var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Runs until the inputs are exhausted (`once`) or `requestStop()`; returns what happened.
    public func run(shutdownTimeout: TimeInterval = 30) throws -> ShipSummary {
        store = try CheckpointStore(stateDirectory: config.stateDirectory)
        if config.output.tls.insecure {
            logger.warning("TLS verification is OFF (output.tls.insecure: true): the cluster's identity is not checked")
        }
        let client = try ClusterClient(settings: config.output)
        do {
            let info = try client.detect()
            logger.info("cluster detected", metadata: ["flavor": "\(info.flavor)", "version": "\(info.version)"])
        } catch {
            // Not fatal: the output retries until the cluster answers, and nothing is acknowledged before.
            logger.warning("cluster not reachable yet; will keep retrying", metadata: ["error": "\(error)"])
        }

        let output = try BulkOutput(settings: config.output, stateDirectory: config.stateDirectory, logger: logger,
                                    onComplete: { [weak self] outcome in self?.completed(outcome) })
        output.start()

        let agent = AgentInfo(name: Self.hostName(), id: Self.machineID())
        let inputs = try config.inputs.map { try InputFactory.make($0, stateDirectory: config.stateDirectory) }
        let byID = Dictionary(uniqueKeysWithValues: inputs.map { ($0.id, $0) })
        lock.withLock { self.inputs = byID }
        let finished = DispatchGroup()
        let failures = FailureList()
        var threads: [Thread] = []
        for input in inputs {
            let checkpoint = try store.load(inputID: input.id)
            lock.withLock { windows[input.id] = AcknowledgementWindow() }
            let context = InputContext(
                once: once, output: config.output, agent: agent,
                logger: logger.with(input: input.id), checkpoint: checkpoint,
                submit: { batch in output.submit(batch) },
                isStopping: { [weak self] in self?.isStopping ?? true })
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
        threads.forEach { $0.start() }
        finished.wait()

        if once || !isStopping {
            output.waitUntilIdle()
        } else if !output.waitUntilIdle(timeout: shutdownTimeout) {
            logger.warning("shutdown deadline reached with batches still unacknowledged; they will be read again",
                           metadata: ["deadline_s": "\(shutdownTimeout)"])
        }
        output.stop()
        flushCheckpoints()

        var summary = lock.withLock { totals }
        for input in inputs {
            summary.read += input.counters.read.load(ordering: .relaxed)
            summary.malformed += input.counters.malformed.load(ordering: .relaxed)
            summary.checkpointsLost += input.counters.checkpointsLost.load(ordering: .relaxed)
        }
        let failed = failures.all
        if !failed.isEmpty { throw ShipError.inputsFailed(failed, summary) }
        return summary
    }

    private func completed(_ outcome: BatchOutcome) {
        var toSave: (String, Checkpoint)? = nil
        lock.withLock {
            totals.indexed += outcome.indexed
            totals.duplicates += outcome.duplicates
            totals.deadLettered += outcome.deadLettered
            totals.retried += outcome.retried
            guard var window = windows[outcome.inputID] else { return }
            if let cp = window.complete(sequence: outcome.sequence, checkpoint: outcome.checkpoint) {
                unsaved[outcome.inputID] = cp
                let last = lastSave[outcome.inputID] ?? .distantPast
                if Date().timeIntervalSince(last) >= checkpointInterval {
                    toSave = (outcome.inputID, cp)
                    unsaved[outcome.inputID] = nil
                    lastSave[outcome.inputID] = Date()
                }
            }
            windows[outcome.inputID] = window
        }
        if let (id, cp) = toSave { save(cp, id) }
    }

    private func flushCheckpoints() {
        let pending = lock.withLock { () -> [String: Checkpoint] in
            let p = unsaved; unsaved = [:]; return p
        }
        for (id, cp) in pending { save(cp, id) }
    }

    private func save(_ cp: Checkpoint, _ id: String) {
        do {
            try store.save(cp, inputID: id)
            lock.withLock { inputs[id] }?.checkpointPersisted(cp)
        } catch {
            logger.error("cannot persist checkpoint; entries since the last one will be re-sent after a restart",
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
    public var description: String {
        switch self {
        case let .inputsFailed(f, _): return "input(s) failed: " + f.joined(separator: "; ")
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
