import Config
import Foundation
import Listeners
import Logging
import Pipeline
import Spool
import Synchronization

/// Receives a network stream into the input's spool. Each record it appends is one bulk item exactly as
/// `BatchBuilder.append` writes it (`action\n` + `document\n`), so replay needs no second decode.
public protocol SpoolReceiver: AnyObject, Sendable {
    /// Starts accepting (listeners, connections); returns once ready. Appends go to `spool`.
    func start(spool: Spool, context: InputContext) throws
    /// Stops accepting and closes connections; records already appended stay in the spool.
    func stop()
    /// True once a bounded source (a test feed, `--once` on a finished stream) has nothing more to give.
    var isExhausted: Bool { get }
    /// Connection limits and memory-budget counters of a listening receiver; nil for the others.
    var listenerStats: ListenerStats? { get }
}

extension SpoolReceiver {
    public var listenerStats: ListenerStats? { nil }
}

/// The half of a network input that plays a re-readable input: it reads the spool from the last persisted
/// position and hands batches on; when a checkpoint is persisted the segments before it are deleted.
public final class SpooledInput: Input, @unchecked Sendable {
    public let id: String
    public let counters = InputCounters()
    public let receiver: SpoolReceiver
    private let options: SpoolOptions
    /// Set while `run` is active; acknowledgements arrive on the output's thread.
    private let openSpool = Mutex<Spool?>(nil)
    /// Set by `open` (receiver started), taken by `close`; under `openLock`.
    private var openReader: SpoolReader?
    private let openLock = NSLock()

    public init(id: String, directory: String, settings: SpoolSettings, receiver: SpoolReceiver) {
        self.id = id
        self.receiver = receiver
        let fsync: FsyncPolicy
        switch settings.fsync {
        case .always: fsync = .always
        case .never: fsync = .never
        case .interval(let s): fsync = .interval(seconds: s)
        }
        options = SpoolOptions(directory: directory, segmentBytes: settings.segmentBytes, maxBytes: settings.maxBytes,
                               fsync: fsync, whenFull: settings.whenFull == .block ? .block : .dropOldest)
    }

    /// Opens the spool where the checkpoint left it and starts the receiver (its listeners are bound when
    /// this returns).
    public func open(_ context: InputContext) throws {
        let spool = try Spool(options, logger: context.logger)
        let reader = SpoolReader(spool: spool, from: context.checkpoint.flatMap(SpoolPosition.init(checkpoint:)))
        openSpool.withLock { $0 = spool }
        do { try receiver.start(spool: spool, context: context) } catch {
            close()
            throw error
        }
        openLock.withLock { openReader = reader }
    }

    public func close() {
        let wasOpen = openLock.withLock { openReader.take() } != nil
        if wasOpen { receiver.stop() }
        openSpool.withLock { $0.take() }?.close()
    }

    public func run(_ context: InputContext) throws {
        if openLock.withLock({ openReader }) == nil { try open(context) }
        defer { close() }
        guard let reader = openLock.withLock({ openReader }), let spool = openSpool.withLock({ $0 }) else { return }

        var builder = BatchBuilder(inputID: id, maxDocuments: context.output.batch.maxDocuments,
                                   maxBytes: context.output.batch.maxBytes)
        let flush = max(0.01, context.output.batch.flushIntervalSeconds)
        var last: SpoolPosition? = nil
        while true {
            let before = builder.batch.items.count
            if let position = try reader.fill(&builder, maxWait: flush) { last = position }
            counters.read.add(builder.batch.items.count - before, ordering: .relaxed)
            let idle = builder.batch.items.count == before
            if !builder.isEmpty && (builder.isFull || idle || context.isStopping()) {
                context.submit(builder.take(checkpoint: last?.checkpoint))
            }
            if context.isStopping() { break }
            if context.once && idle && receiver.isExhausted && reader.position >= spool.endPosition { break }
        }
        if !builder.isEmpty { context.submit(builder.take(checkpoint: last?.checkpoint)) }
    }

    /// What the spool holds right now (bytes, oldest unacknowledged record); nil while the input is not running.
    public func spoolMetrics() -> SpoolMetrics? {
        openSpool.withLock { $0 }?.metrics()
    }

    public func checkpointPersisted(_ checkpoint: Checkpoint) {
        guard let position = SpoolPosition(checkpoint: checkpoint) else { return }
        openSpool.withLock { $0 }?.acknowledge(upTo: position)
    }
}
