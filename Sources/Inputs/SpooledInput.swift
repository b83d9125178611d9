import Config
import Foundation
import Listeners
import Logging
import Pipeline
import Reporting
import Spool
import Synchronization

/// Receives a network stream into the input's spool. Each record it appends is one bulk item exactly as
/// `BatchBuilder.append` writes it (`action\n` + `document\n`), so replay needs no second decode.
public protocol SpoolReceiver: AnyObject, Sendable {
    /// The input's `type:` (`syslog`, `infologger`).
    var type: String { get }
    /// Starts accepting (listeners, connections); returns once ready. Appends go to `spool`.
    func start(spool: Spool, context: InputContext) throws
    /// Stops accepting and closes connections; records already appended stay in the spool.
    func stop()
    /// True once a bounded source (a test feed, `--once` on a finished stream) has nothing more to give.
    var isExhausted: Bool { get }
    /// Connection limits and memory-budget counters of a listening receiver; nil for the others.
    var listenerStats: ListenerStats? { get }
    /// The receiver's own counters for `/metrics` (the listener's are added by `SpooledInput`).
    func metrics() -> [Metric]
    /// The receiver's fields of the run's summary line.
    func summaryFields() -> [(String, Int)]
}

extension SpoolReceiver {
    public var listenerStats: ListenerStats? { nil }
    public func metrics() -> [Metric] { [] }
    public func summaryFields() -> [(String, Int)] { [] }
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

    public var type: String { receiver.type }
    public var checkpointFreesSpace: Bool { true }

    /// The input's counters, its spool's (while it is open), the receiver's and its listener's.
    public func metrics() -> [Metric] {
        let spool = spoolMetrics()
        var out = counters.metrics(alsoDropped: spool?.droppedRecords ?? 0)
        if let spool { out += Self.metrics(of: spool) }
        out += receiver.metrics()
        out += receiver.listenerStats?.metrics() ?? []
        return out
    }

    public func summaryFields() -> [(String, Int)] { receiver.summaryFields() }

    static func metrics(of s: SpoolMetrics) -> [Metric] {
        let oldest = s.oldestUnacknowledgedMicros.map { max(0, Date().timeIntervalSince1970 - Double($0) / 1e6) } ?? 0
        return [
            Metric("logbridge_spool_bytes", .gauge, help: "Bytes the input's spool holds on disk.", s.bytesOnDisk),
            Metric("logbridge_spool_segments", .gauge, help: "Segment files the input's spool holds.", s.segments),
            Metric("logbridge_spool_oldest_unacknowledged_age_seconds", .gauge,
                   help: "Age of the oldest spooled event the cluster has not acknowledged (0 when none).", oldest),
            Metric("logbridge_spool_appended_records_total", .counter, help: "Records appended to the spool since the input opened.", s.recordsAppended),
            Metric("logbridge_spool_appended_bytes_total", .counter, help: "Bytes appended to the spool since the input opened.", s.bytesAppended),
            Metric("logbridge_spool_dropped_segments_total", .counter,
                   help: "Segments deleted unacknowledged by when_full: drop_oldest (their records count in logbridge_input_dropped_total).",
                   s.droppedSegments),
            Metric("logbridge_spool_corrupt_tails_truncated_total", .counter, help: "Torn or corrupt tails cut off the newest segment at open.",
                   s.corruptTailsTruncated),
            Metric("logbridge_spool_discarded_bytes_total", .counter, help: "Bytes of the torn or corrupt tails cut at open.", s.bytesDiscarded),
            Metric("logbridge_spool_corrupt_records_skipped_total", .counter, help: "Records that failed their checksum, skipped by the reader.",
                   s.corruptRecordsSkipped),
            Metric("logbridge_spool_corrupt_segments_skipped_total", .counter,
                   help: "Segments whose remainder the reader skipped after a corrupt record.", s.corruptSegmentsSkipped),
            Metric("logbridge_spool_malformed_records_total", .counter, help: "Spool records that were not a bulk item and could not be shipped.",
                   s.malformedRecords),
            Metric("logbridge_spool_disk_full_events_total", .counter, help: "Spool writes refused by a full disk (retried).", s.diskFullEvents),
            Metric("logbridge_spool_blocked_appends_total", .counter, help: "Appends that waited for room under when_full: block.", s.blockedAppends),
            Metric("logbridge_spool_fsyncs_total", .counter, help: "fsync calls of the spool.", s.fsyncs),
            Metric("logbridge_spool_fsync_failures_total", .counter, help: "fsync calls of the spool that failed.", s.fsyncFailures),
        ]
    }

    public func checkpointPersisted(_ checkpoint: Checkpoint) {
        guard let position = SpoolPosition(checkpoint: checkpoint) else { return }
        openSpool.withLock { $0 }?.acknowledge(upTo: position)
    }
}
