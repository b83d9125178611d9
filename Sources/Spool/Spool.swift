import Logging
#if canImport(Glibc)
import Glibc
#endif
import Instrumentation

/// Spool owns the durable on-disk queue for inputs that cannot be re-read (network streams): segmented,
/// checksummed, append-only files, replayed on start and deleted only after acknowledgement.
///
/// Writers call `Spool.append` (thread-safe; the fsync policy decides when it returns), a `SpoolReader`
/// turns the records back into `Batch`es whose checkpoint is a `SpoolPosition`, and once the shipper has
/// persisted such a checkpoint, `acknowledge(upTo:)` deletes the segments wholly before it.
/// The format and guarantees are described in docs/spool.md.
public final class Spool: @unchecked Sendable {
    public let options: SpoolOptions
    let files: SegmentFiles
    let logger: Logger
    let segmentBytes: Int

    // Everything below is guarded by `monitor`.
    let monitor = Monitor()
    /// New bytes written, a segment sealed, or the durable mark moved: what a live-tail reader waits for.
    let appended = Monitor.Condition()
    let durableChanged = Monitor.Condition()
    /// Segments deleted (or time to retry a full disk): what a blocked appender waits for.
    let roomFreed = Monitor.Condition()
    let flusherWake = Monitor.Condition()

    struct Segment {
        let id: UInt64
        var bytes: Int
        /// Known for segments written by this process; counted from the file when needed otherwise.
        var records: Int?
    }
    /// Ascending ids; the last one is the active segment, the only one ever written.
    var segments: [Segment] = []
    var activeFD: Int32 = -1
    var bytesOnDisk = 0
    /// Everything before this is on stable storage.
    var durable = SpoolPosition(segment: 0, offset: 0)
    var acknowledged = SpoolPosition(segment: 0, offset: 0)
    /// The newest segment the reader has opened (nil before it opens one). It reads that one to its end through
    /// its descriptor even if `.dropOldest` deletes the file, and everything before it is read already (shipped,
    /// or in batches the output holds): a dropped segment loses records only when it is newer than this.
    var readerSegment: UInt64?
    var syncing = false
    var closed = false
    var flusherRunning = false
    var counters = SpoolMetrics()
    let diskFullLog = LogThrottle(seconds: 10)

    /// Opens (creating if needed) the spool in `options.directory`: checks the newest segment for a torn or
    /// corrupt tail, truncates it at the last good record, and starts a fresh segment for new appends.
    public init(_ options: SpoolOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        self.segmentBytes = options.effectiveSegmentBytes
        self.files = try SegmentFiles(directory: options.directory)
        try recover()
        if case let .interval(seconds) = options.fsync { startFlusher(every: seconds) }
    }

    deinit {
        // Dropped without `close()`: like a crash, nothing is flushed (the page cache keeps what was written).
        if activeFD >= 0 { Glibc.close(activeFD) }
    }

    var active: Segment { segments[segments.count - 1] }
    var writtenEnd: SpoolPosition { SpoolPosition(segment: active.id, offset: active.bytes) }

    // MARK: Appending

    /// Appends one record and returns the position just after it. Under `.always` it returns once the record
    /// is durable; otherwise once it is written (readable, surviving a process crash).
    @discardableResult
    public func append(_ record: UnsafeRawBufferPointer) throws -> SpoolPosition {
        guard record.count <= options.maxRecordBytes else {
            throw SpoolError.recordTooLarge(bytes: record.count, limit: options.maxRecordBytes)
        }
        // Checksummed outside the lock: the only work appenders do one at a time is the write itself.
        let header = RecordHeader(payload: record, appendedMicros: UInt64(WallClock.microseconds())).bytes
        let end = try header.withUnsafeBytes { head in
            try monitor.withLock { try writeLocked(head, record) }
        }
        if options.fsync == .always { try waitDurable(end) }
        return end
    }

    @discardableResult
    public func append(_ record: [UInt8]) throws -> SpoolPosition {
        try record.withUnsafeBytes { try append($0) }
    }

    private func writeLocked(_ header: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) throws -> SpoolPosition {
        let size = header.count + payload.count
        var wait = AppendWait(deadline: options.appendTimeout.map { MonotonicClock.seconds() + max(0, $0) })
        while true {
            _ = try roomLocked(for: size, &wait)
            let offset = active.bytes
            let e = Self.writeFully(activeFD, header, payload, at: offset)
            if e == 0 {
                wroteLocked(bytes: size, records: 1)
                return writtenEnd
            }
            try writeFailedLocked(e, at: offset, wait)
        }
    }

    /// One append's state while it waits: its deadline, and whether it was already counted as blocked.
    struct AppendWait {
        let deadline: Double?
        var counted = false
    }

    /// Gets the active segment ready to take the next record (`size` bytes) now, the one place single and
    /// batch appends wait: rolls to a new segment when the record would pass `segmentBytes`, and when the cap
    /// is reached drops the oldest segment (`.dropOldest`) or waits for an acknowledgement (`.block`); a full
    /// disk while creating the next segment is waited out like the cap. Returns how many bytes the active
    /// segment may take at once (at least `size`: a fresh segment takes any record), for a run of records.
    func roomLocked(for size: Int, _ wait: inout AppendWait) throws -> Int {
        while true {
            if closed { throw SpoolError.closed }
            do {
                if active.bytes > 0 && active.bytes + size > segmentBytes { try rollLocked() }
            } catch let SpoolError.io(_, _, e) where Self.isDiskFull(e) {
                try waitOutDiskFull(e, deadline: wait.deadline)
                continue
            }
            // The cap only applies once older segments exist: the active one alone may always be written.
            let capRoom = segments.count > 1 ? options.maxBytes - bytesOnDisk : Int.max
            if size <= capRoom { return min(max(segmentBytes - active.bytes, size), capRoom) }
            switch options.whenFull {
            case .dropOldest:
                dropOldestLocked()
            case .block:
                if !wait.counted {
                    wait.counted = true
                    counters.blockedAppends += 1
                }
                if !roomFreed.wait(monitor, until: wait.deadline) {
                    throw SpoolError.full(timeout: options.appendTimeout ?? 0)
                }
            }
        }
    }

    /// Accounts for `bytes` (whole records) just written at the end of the active segment and wakes readers.
    func wroteLocked(bytes: Int, records: Int) {
        segments[segments.count - 1].bytes += bytes
        segments[segments.count - 1].records? += records
        bytesOnDisk += bytes
        counters.recordsAppended += records
        counters.bytesAppended += bytes
        appended.broadcast()
    }

    /// A write at `offset` failed with `e`. Returns (after waiting) when a full disk should be retried, throws
    /// otherwise; either way no half record is left behind.
    func writeFailedLocked(_ e: Int32, at offset: Int, _ wait: AppendWait) throws {
        // Cut back to the last whole record before anything else, so a reader never sees a torn one.
        _ = ftruncate(activeFD, off_t(offset))
        guard Self.isDiskFull(e) else { throw SpoolError.io(path: files.path(active.id), what: "write", errno: e) }
        try waitOutDiskFull(e, deadline: wait.deadline)
    }

    /// Disk full is handled like a full spool under `.block`: keep what is there, wait, retry.
    ///
    /// The active segment is sealed first: acknowledgement only deletes sealed segments, and on a disk that
    /// stays full the records already written would otherwise be the only thing that could make room, and
    /// could never be deleted. An empty new segment needs no data blocks, only an inode.
    func waitOutDiskFull(_ e: Int32, deadline: Double?) throws {
        counters.diskFullEvents += 1
        if active.bytes > 0 { try? rollLocked() }
        diskFullLog.log(logger, .error, "spool disk full; appends wait until space is freed",
                        metadata: ["directory": "\(options.directory)", "error": "\(String(cString: strerror(e)))",
                                   "events": "\(counters.diskFullEvents)"])
        let retryAt = MonotonicClock.seconds() + options.diskFullRetrySeconds
        if let deadline, MonotonicClock.seconds() >= deadline { throw SpoolError.diskFull(errno: e) }
        roomFreed.wait(monitor, until: min(retryAt, deadline ?? retryAt))
    }

    static func isDiskFull(_ e: Int32) -> Bool { e == ENOSPC || e == EDQUOT || e == EFBIG }

    /// Writes `header` then `payload` (either may be empty) at `offset`; 0, or the errno of the failed write.
    static func writeFully(_ fd: Int32, _ header: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer,
                           at offset: Int) -> Int32 {
        var done = 0
        let total = header.count + payload.count
        // Two iovecs on the stack: an array here would be a heap allocation per append.
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { iov in
            while done < total {
                var count = 0
                if done < header.count {
                    iov[0] = iovec(iov_base: UnsafeMutableRawPointer(mutating: header.baseAddress! + done),
                                   iov_len: header.count - done)
                    count = 1
                }
                let payloadDone = max(0, done - header.count)
                if payload.count > payloadDone {
                    iov[count] = iovec(iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress! + payloadDone),
                                       iov_len: payload.count - payloadDone)
                    count += 1
                }
                let n = pwritev(fd, iov.baseAddress, Int32(count), off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return 0
        }
    }

    /// Seals the active segment (made durable first, so the durable mark can move past it) and starts the next.
    func rollLocked() throws {
        while syncing { durableChanged.wait(monitor, until: nil) }
        let old = active
        if durable < writtenEnd {
            if fdatasync(activeFD) != 0 {
                let e = errno
                counters.fsyncFailures += 1
                throw SpoolError.io(path: files.path(old.id), what: "fsync", errno: e)
            }
            counters.fsyncs += 1
        }
        let fd = try files.create(old.id + 1)
        Glibc.close(activeFD)
        activeFD = fd
        segments.append(Segment(id: old.id + 1, bytes: 0, records: 0))
        durable = writtenEnd
        durableChanged.broadcast()
        appended.broadcast()
    }

    // MARK: Durability

    /// Returns once everything up to `position` is on stable storage. Callers that arrive while an fsync is
    /// running wait for the next one, which then covers all of them (group commit).
    public func waitDurable(_ position: SpoolPosition) throws {
        monitor.lock()
        defer { monitor.unlock() }
        let target = min(position, writtenEnd)
        while durable < target {
            if syncing { durableChanged.wait(monitor, until: nil); continue }
            if activeFD < 0 { throw SpoolError.closed }
            syncing = true
            let fd = activeFD
            let covered = writtenEnd
            monitor.unlock()
            let rc = fdatasync(fd)
            let e = errno
            monitor.lock()
            syncing = false
            durableChanged.broadcast()
            if rc != 0 {
                counters.fsyncFailures += 1
                logger.error("spool fsync failed", metadata: ["segment": "\(files.path(covered.segment))",
                                                               "error": "\(String(cString: strerror(e)))"])
                throw SpoolError.io(path: files.path(covered.segment), what: "fsync", errno: e)
            }
            counters.fsyncs += 1
            if durable < covered { durable = covered }
            appended.broadcast()
        }
    }

    /// Makes everything appended so far durable.
    public func flush() throws {
        try waitDurable(monitor.withLock { writtenEnd })
    }

    /// The position just after the last record appended.
    public var endPosition: SpoolPosition { monitor.withLock { writtenEnd } }

    /// Everything before this position is on stable storage.
    public var durablePosition: SpoolPosition { monitor.withLock { durable } }

    private func startFlusher(every seconds: Double) {
        flusherRunning = true
        DetachedThread.start { [weak self] in
            while let spool = self, spool.flushTick(every: seconds) {}
        }
    }

    /// One period of the interval flusher; false once the spool is closed.
    private func flushTick(every seconds: Double) -> Bool {
        let open: Bool = monitor.withLock {
            if !closed { flusherWake.wait(monitor, until: MonotonicClock.seconds() + seconds) }
            if closed { flusherRunning = false; flusherWake.broadcast() }
            return !closed
        }
        guard open else { return false }
        do { try flush() } catch { logger.error("spool interval flush failed", metadata: ["error": "\(error)"]) }
        return true
    }

    /// Flushes (unless the policy is `.never`), stops the flusher and closes the active segment.
    /// Blocked appenders and waiting readers are woken and get `SpoolError.closed` / nil.
    public func close() {
        if options.fsync != .never { try? flush() }
        monitor.withLock {
            closed = true
            roomFreed.broadcast(); appended.broadcast(); flusherWake.broadcast()
            while flusherRunning { flusherWake.wait(monitor, until: MonotonicClock.seconds() + 1) }
            while syncing { durableChanged.wait(monitor, until: nil) }
            if activeFD >= 0 { Glibc.close(activeFD); activeFD = -1 }
        }
    }
}
