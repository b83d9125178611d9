#if canImport(Glibc)
import Glibc
#endif

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
        let deadline = Clock.deadline(after: options.appendTimeout)
        var first = 0          // index of the next record to write
        var from = 0           // its start in `bytes`
        var counted = false
        while first < ends.count {
            if closed { throw SpoolError.closed }
            do {
                if active.bytes > 0 && active.bytes + (ends[first] - from) > segmentBytes { try rollLocked() }
            } catch let SpoolError.io(_, _, e) where Self.isDiskFull(e) {
                try waitOutDiskFull(e, deadline: deadline)
                continue
            }
            // The longest run of records that fits the segment (at least one: a fresh segment takes any record)
            // and, once older segments exist, the cap.
            let segmentRoom = max(segmentBytes - active.bytes, ends[first] - from)
            let capRoom = segments.count > 1 ? options.maxBytes - bytesOnDisk : Int.max
            let room = min(segmentRoom, capRoom)
            var last = first
            while last + 1 < ends.count && ends[last + 1] - from <= room { last += 1 }
            if ends[first] - from > room {
                switch options.whenFull {
                case .dropOldest:
                    dropOldestLocked()
                case .block:
                    if !counted {
                        counted = true
                        counters.blockedAppends += 1
                    }
                    if !roomFreed.wait(monitor, until: deadline) {
                        throw SpoolError.full(timeout: options.appendTimeout ?? 0)
                    }
                }
                continue
            }
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[from..<ends[last]])
            let offset = active.bytes
            let e = Self.writeFully(activeFD, chunk, at: offset)
            if e == 0 {
                let records = last - first + 1
                segments[segments.count - 1].bytes += chunk.count
                segments[segments.count - 1].records? += records
                bytesOnDisk += chunk.count
                counters.recordsAppended += records
                counters.bytesAppended += chunk.count
                appended.broadcast()
                first = last + 1
                from = ends[last]
                continue
            }
            // Never leave a half record behind: cut back to the last whole one before anything else.
            _ = ftruncate(activeFD, off_t(offset))
            if Self.isDiskFull(e) {
                try waitOutDiskFull(e, deadline: deadline)
                continue
            }
            throw SpoolError.io(path: files.path(active.id), what: "write", errno: e)
        }
        return writtenEnd
    }

    /// 0, or the errno of the failed write.
    static func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int32 {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return 0
    }
}
