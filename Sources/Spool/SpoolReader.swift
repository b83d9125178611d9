#if canImport(Glibc)
import Glibc
#endif
import Instrumentation

/// One record as read back.
public struct SpoolRecord: Sendable, Equatable {
    public var payload: [UInt8]
    /// When it was appended, µs since the epoch.
    public var appendedMicros: UInt64
    /// The position just after it: the checkpoint that covers it.
    public var end: SpoolPosition
}

/// Reads the spool in append order from a position, live-tailing the active segment. One consumer; not
/// thread-safe. Memory is one read buffer (`readBufferBytes`), whatever the backlog.
public final class SpoolReader {
    public let spool: Spool
    /// Just after the last record handed out (or where reading starts).
    public private(set) var position: SpoolPosition
    /// Hand out only records already on stable storage, so nothing is shipped that a power cut could undo.
    public let durableOnly: Bool
    private let cursor: SegmentCursor
    private var attached = false
    /// The writer's published end of the segment being read, as last asked for. Asking takes the spool's lock,
    /// so it is asked once per run of records rather than once per record: a stale end is only ever short
    /// (segments grow, sealed ones stay sealed), and it is refreshed before concluding anything from it.
    private var knownExtent: (segment: UInt64, extent: ReadableExtent)?

    /// Starts at `from` (a persisted checkpoint) or, when nil, at the oldest record on disk.
    public init(spool: Spool, from: SpoolPosition? = nil, durableOnly: Bool = false) {
        self.spool = spool
        self.durableOnly = durableOnly
        self.position = spool.startPosition(from)
        self.cursor = SegmentCursor(bufferBytes: spool.options.readBufferBytes)
    }

    /// The next record, waiting up to `timeout` seconds for one to be appended; nil on timeout or close.
    public func next(timeout: Double) throws -> SpoolRecord? {
        try withNextRecord(until: MonotonicClock.seconds() + max(0, timeout)) { header, payload in
            SpoolRecord(payload: Array(payload), appendedMicros: header.appendedMicros, end: position)
        }
    }

    /// Hands the next record's payload (valid only inside `body`) to `body`; `position` is already past it.
    func withNextRecord<T>(until deadline: Double?, _ body: (RecordHeader, UnsafeRawBufferPointer) throws -> T) throws -> T? {
        let maxRecord = spool.options.maxRecordBytes
        while true {
            guard attachSegment() else {
                if !spool.waitForData(after: position, durableOnly: durableOnly, until: deadline) { return nil }
                continue
            }
            var fresh = false
            if knownExtent?.segment != position.segment {
                knownExtent = (position.segment, spool.extent(of: position.segment, durableOnly: durableOnly))
                fresh = true
            }
            let extent = knownExtent!.extent
            let step = try ScanStep.next(cursor, at: position.offset, limit: extent.end, maxRecordBytes: maxRecord)
            if case .record = step {} else if !fresh {
                // Anything but a whole record may only mean the end we knew is old: ask again, then judge.
                knownExtent = nil
                continue
            }
            switch step {
            case let .record(header, bytes):
                position.offset += header.recordSize
                return try body(header, UnsafeRawBufferPointer(rebasing: bytes[RecordHeader.size...]))
            case .end:
                if extent.sealed { moveToNextSegment(); continue }
                knownExtent = nil
                if !spool.waitForData(after: position, durableOnly: durableOnly, until: deadline) { return nil }
            case .torn:
                // Within the writer's published end records are whole, so this is a sealed segment's damaged tail.
                if extent.sealed { skipRestOfSegment(); continue }
                knownExtent = nil
                if !spool.waitForData(after: position, durableOnly: durableOnly, until: deadline) { return nil }
            case let .mismatch(header):
                if try ScanStep.canSkipOne(cursor, damagedAt: position.offset, header, limit: extent.end, maxRecordBytes: maxRecord) {
                    spool.noteCorruptRecord(segment: position.segment, offset: position.offset)
                    position.offset += header.recordSize
                } else {
                    skipRestOfSegment()
                }
            case .corrupt:
                skipRestOfSegment()
            }
        }
    }

    /// False when the segment to read does not exist yet.
    private func attachSegment() -> Bool {
        if attached { return true }
        let fd = spool.openForReader(position.segment)
        if fd >= 0 {
            cursor.attach(fd)
            attached = true
            return true
        }
        // Deleted since (acknowledged or dropped): continue with whatever follows it.
        if let next = spool.segment(after: position.segment) {
            position = SpoolPosition(segment: next, offset: 0)
            return attachSegment()
        }
        return false
    }

    private func moveToNextSegment() {
        guard let next = spool.segment(after: position.segment) else { return }
        cursor.detach()
        attached = false
        position = SpoolPosition(segment: next, offset: 0)
    }

    /// The length field cannot be trusted past a bad header, so nothing after it in this segment can be framed.
    private func skipRestOfSegment() {
        spool.noteCorruptSegment(segment: position.segment, offset: position.offset)
        spool.sealIfActive(position.segment)
        moveToNextSegment()
    }
}
