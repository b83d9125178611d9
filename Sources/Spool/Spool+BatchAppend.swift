#if canImport(Glibc)
import Glibc
#endif
import Reporting

extension Spool {
    /// Appends every record of `batch` in order and returns the position just after the last one (nil for an
    /// empty batch). The burst costs one lock acquisition and one `pwrite` of the batch's buffer — more only
    /// when it has to be split at a record boundary because it crosses into a new segment or the cap.
    /// Same promise as `append`: durable on return under `.always`, otherwise written (call `waitDurable`).
    /// On a throw, a prefix of the batch may have been appended; no partial record is ever left behind.
    @discardableResult
    public func append(_ batch: SpoolWriteBatch) throws -> SpoolPosition? {
        guard !batch.isEmpty else { return nil }
        let end = try batch.bytes.withUnsafeBytes { bytes in
            try batch.ends.withUnsafeBufferPointer { ends in
                try monitor.withLock { try writeBatchLocked(bytes, ends) }
            }
        }
        if options.fsync == .always { try waitDurable(end) }
        return end
    }

    /// Writes records `ends`-delimited in `bytes`, as many at a time as the active segment and the cap allow.
    private func writeBatchLocked(_ bytes: UnsafeRawBufferPointer, _ ends: UnsafeBufferPointer<Int>) throws -> SpoolPosition {
        var wait = AppendWait(deadline: options.appendTimeout.map { MonotonicClock.seconds() + max(0, $0) })
        var first = 0          // index of the next record to write
        var from = 0           // its start in `bytes`
        while first < ends.count {
            let room = try roomLocked(for: ends[first] - from, &wait)
            // The longest run of records that fits the room (at least the first one).
            var last = first
            while last + 1 < ends.count && ends[last + 1] - from <= room { last += 1 }
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[from..<ends[last]])
            let offset = active.bytes
            let e = Self.writeFully(activeFD, chunk, UnsafeRawBufferPointer(start: nil, count: 0), at: offset)
            if e == 0 {
                wroteLocked(bytes: chunk.count, records: last - first + 1)
                first = last + 1
                from = ends[last]
                continue
            }
            try writeFailedLocked(e, at: offset, wait)
        }
        return writtenEnd
    }
}
