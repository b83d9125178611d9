#if canImport(Glibc)
import Glibc
#endif

extension Spool {
    /// Runs once, from `init`. Only the newest segment can have a torn tail: every older one was made durable
    /// when it was sealed. Corruption further back is found, counted and skipped by the reader.
    func recover() throws {
        var ids = try files.list()
        // Empty sealed segments carry no records; the newest file is kept whatever its size, because its id
        // is the high-water mark that keeps ids increasing across restarts.
        for id in ids.dropLast() where files.size(id) == 0 { files.remove(id) }
        ids = try files.list()

        segments = ids.map { Segment(id: $0, bytes: files.size($0) ?? 0, records: nil) }
        if let newest = ids.last {
            let (bytes, records) = try truncateTornTail(newest)
            segments[segments.count - 1].bytes = bytes
            segments[segments.count - 1].records = records
        }
        bytesOnDisk = segments.reduce(0) { $0 + $1.bytes }

        // New appends always go to a fresh segment: sealed segments never change, and a checkpoint that
        // points past a lost tail can never land in the middle of records written after the restart.
        let next = (ids.last ?? 0) + 1
        activeFD = try files.create(next)
        segments.append(Segment(id: next, bytes: 0, records: 0))
        durable = writtenEnd
        if !ids.isEmpty {
            logger.info("spool opened", metadata: ["directory": "\(options.directory)", "segments": "\(segments.count)",
                                                   "bytes": "\(bytesOnDisk)"])
        }
    }

    /// Walks the newest segment and cuts it at the first torn or untrustworthy record; returns the bytes and
    /// records kept. The cut is made durable so a second crash cannot resurrect the bad bytes.
    private func truncateTornTail(_ id: UInt64) throws -> (bytes: Int, records: Int) {
        let fd = try files.openForWriting(id)
        let cursor = SegmentCursor(bufferBytes: options.readBufferBytes)
        cursor.attach(dup(fd))
        defer { Glibc.close(fd) }
        var offset = 0
        var records = 0
        scan: while true {
            switch try ScanStep.next(cursor, at: offset, limit: nil, maxRecordBytes: options.maxRecordBytes) {
            case .record(let header, _):
                offset += header.recordSize
                records += 1
            case .end:
                break scan
            case .mismatch(let header):
                // A damaged record followed by good ones stays in place (the reader skips and counts it);
                // one at the very end is a torn write.
                let following = offset + header.recordSize
                if try ScanStep.next(cursor, at: following, limit: nil, maxRecordBytes: options.maxRecordBytes).isRecord {
                    offset = following
                    records += 1
                    continue scan
                }
                break scan
            case .torn, .corrupt:
                break scan
            }
        }
        var st = stat()
        _ = fstat(fd, &st)
        let size = Int(st.st_size)
        if size > offset {
            if ftruncate(fd, off_t(offset)) != 0 { throw SpoolError.io(path: files.path(id), what: "truncate", errno: errno) }
            _ = fsync(fd)
            counters.corruptTailsTruncated += 1
            counters.bytesDiscarded += size - offset
            logger.warning("spool segment had a torn or corrupt tail; truncated at the last good record",
                           metadata: ["segment": "\(files.path(id))", "kept": "\(offset)", "discarded": "\(size - offset)"])
        } else {
            _ = fdatasync(fd)
        }
        return (offset, records)
    }
}

extension ScanStep {
    var isRecord: Bool { if case .record = self { return true } else { return false } }
}
