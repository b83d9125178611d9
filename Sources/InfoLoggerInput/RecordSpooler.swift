import ECS
import Inputs
import Logging
import Spool
#if canImport(Glibc)
import Glibc
#endif
import Reporting

/// One connection's path from record bytes to the spool: decode, encode the bulk item straight into a
/// reusable `SpoolWriteBatch`, and append a whole read burst at once (one lock, one write, one position).
/// Owned by one thread, so its buffers are reused without locking: nothing is allocated per record.
struct RecordSpooler {
    let spool: Spool
    let counters: InfoLoggerCounters
    let inputCounters: InputCounters?
    let logger: Logger
    let source: String
    private var encoder: InfoLoggerDocumentEncoder
    private var batch: SpoolWriteBatch
    private let badRecordLog = LogThrottle(seconds: 5)
    private var now: Int64 = 0

    init(spool: Spool, context: InputContext, settings: InfoLoggerReceiverSettings, source: String) {
        self.spool = spool
        self.counters = settings.counters
        self.inputCounters = settings.inputCounters
        self.logger = context.logger
        self.source = source
        encoder = InfoLoggerDocumentEncoder(dataset: settings.dataset, indexPattern: context.indexPattern(), agent: context.agent,
                                            patterns: context.patterns)
        batch = SpoolWriteBatch(maxRecordBytes: spool.options.maxRecordBytes)
    }

    /// Records added since the last `commit`.
    var pending: Int { batch.count }

    /// Encodes one record into the pending burst; nothing reaches the spool before `commit`.
    mutating func add(_ record: UnsafeBufferPointer<UInt8>) throws {
        // The arrival time (used only for a record without a usable timestamp) is read once per burst: the
        // records of one read arrived together, and a clock read per record was ~1% of the server path.
        if batch.isEmpty { now = WallClock.microseconds() }
        let arrival = now
        try batch.appendRecord(using: &encoder) { encoder, out in encoder.encode(record, arrivalMicros: arrival, into: &out) }
        if let problem = encoder.lastProblem {
            counters.malformed.add(1, ordering: .relaxed)
            inputCounters?.malformed.add(1, ordering: .relaxed)
            badRecordLog.log(logger, .warning, "bad InfoLogger record, indexed whole in event.original",
                             metadata: ["source": "\(source)", "problem": "\(problem)", "record": "\(FrameParser.preview(record))"])
        }
    }

    /// Appends the pending burst and returns the position after its last record (nil when there was none).
    /// The position is durable only after `spool.waitDurable` (or under `fsync: always`). On a throw the
    /// burst is dropped here (the caller does not acknowledge it); a prefix of it may be in the spool.
    mutating func commit() throws -> SpoolPosition? {
        guard !batch.isEmpty else { return nil }
        defer { batch.removeAll() }
        let end = try spool.append(batch)
        counters.messages.add(batch.count, ordering: .relaxed)
        return end
    }
}
