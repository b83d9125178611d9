#if canImport(Glibc)
import Glibc
#endif

extension Spool {
    /// Deletes every segment wholly before `position` (never the active one). Call it after the shipper has
    /// persisted `position` as the checkpoint: a crash in between then replays nothing twice and loses nothing,
    /// because a reader started at the persisted checkpoint skips whatever is still on disk before it.
    public func acknowledge(upTo position: SpoolPosition) {
        monitor.withLock {
            if acknowledged < position { acknowledged = position }
            var freed = false
            while segments.count > 1 {
                let first = segments[0]
                guard first.id < position.segment || (first.id == position.segment && position.offset >= first.bytes) else { break }
                files.remove(first.id)
                bytesOnDisk -= first.bytes
                segments.removeFirst()
                freed = true
            }
            if freed { roomFreed.broadcast() }
        }
    }

    /// `.dropOldest` under the cap: the oldest sealed segment goes, and the records in it the reader will never
    /// see are counted. Not counted: records the reader already read (in batches the output still delivers) and
    /// the rest of the segment it holds open (it reads them through its descriptor); counting those made
    /// `dropped` + `indexed` exceed what was received (272 of 2,000 lines counted twice in `HealthDocumentTests`).
    func dropOldestLocked() {
        guard segments.count > 1 else { return }
        let victim = segments.removeFirst()
        var lost: Int
        if let reader = readerSegment, victim.id <= reader {
            lost = 0
        } else if acknowledged.segment == victim.id {
            lost = countRecords(victim.id, from: acknowledged.offset)
        } else if acknowledged.segment > victim.id {
            lost = 0
        } else {
            lost = victim.records ?? countRecords(victim.id, from: 0)
        }
        lost = max(0, lost)
        files.remove(victim.id)
        bytesOnDisk -= victim.bytes
        counters.droppedRecords += lost
        counters.droppedSegments += 1
        logger.warning("spool full; dropped the oldest unacknowledged segment",
                       metadata: ["segment": "\(files.path(victim.id))", "records": "\(lost)",
                                  "droppedTotal": "\(counters.droppedRecords)"])
    }

    /// Whole records from `offset` on, headers only (no checksums: this only sizes a loss).
    private func countRecords(_ id: UInt64, from offset: Int) -> Int {
        let fd = files.openForReading(id)
        guard fd >= 0 else { return 0 }
        let cursor = SegmentCursor(bufferBytes: options.readBufferBytes)
        cursor.attach(fd)
        var at = offset
        var n = 0
        while case .record(let header, _)? = try? ScanStep.next(cursor, at: at, limit: nil, maxRecordBytes: options.maxRecordBytes, verify: false) {
            at += header.recordSize
            n += 1
        }
        return n
    }

    public func metrics() -> SpoolMetrics {
        monitor.withLock {
            var m = counters
            m.bytesOnDisk = bytesOnDisk
            m.segments = segments.count
            m.oldestUnacknowledgedMicros = oldestUnacknowledgedMicrosLocked()
            return m
        }
    }

    /// Read from the header of the first record at or after the acknowledged position.
    private func oldestUnacknowledgedMicrosLocked() -> UInt64? {
        for segment in segments where segment.id >= acknowledged.segment {
            let offset = segment.id == acknowledged.segment ? acknowledged.offset : 0
            guard offset + RecordHeader.size <= segment.bytes else { continue }
            let fd = files.openForReading(segment.id)
            guard fd >= 0 else { continue }
            defer { Glibc.close(fd) }
            var raw = [UInt8](repeating: 0, count: RecordHeader.size)
            let n = raw.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            guard n == RecordHeader.size else { continue }
            return raw.withUnsafeBytes { RecordHeader($0, maxLength: Int(UInt32.max)) }?.appendedMicros
        }
        return nil
    }
}
