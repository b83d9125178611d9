/// What the reader may read of a segment.
struct ReadableExtent {
    /// Read no further than this offset; nil = to the end of the file (a segment deleted under the reader).
    var end: Int?
    /// Sealed segments never grow: running out of bytes means moving to the next one, not waiting.
    var sealed: Bool
}

extension Spool {
    /// Where a reader starting from a checkpoint (or from the beginning) really starts.
    func startPosition(_ from: SpoolPosition?) -> SpoolPosition {
        monitor.withLock {
            let oldest = SpoolPosition(segment: segments[0].id, offset: 0)
            guard let from else { return oldest }
            if from.segment > active.id {
                logger.warning("spool checkpoint is ahead of the spool (directory replaced?); reading from the oldest segment",
                               metadata: ["checkpoint": "\(from)", "newest": "\(active.id)"])
                return oldest
            }
            if segments.contains(where: { $0.id == from.segment }) { return from }
            // Its segment is gone (acknowledged, or dropped by `.dropOldest`): the next one still on disk.
            return SpoolPosition(segment: segments.first(where: { $0.id > from.segment })?.id ?? active.id, offset: 0)
        }
    }

    /// Opens segment `id` for the reader and records it as the reader's, under the lock: a drop cannot fall
    /// between the two and count records the reader goes on to read. -1 when the file is gone.
    func openForReader(_ id: UInt64) -> Int32 {
        monitor.withLock {
            let fd = files.openForReading(id)
            if fd >= 0 { readerSegment = max(readerSegment ?? 0, id) }
            return fd
        }
    }

    func extent(of id: UInt64, durableOnly: Bool) -> ReadableExtent {
        monitor.withLock {
            guard let segment = segments.first(where: { $0.id == id }) else { return ReadableExtent(end: nil, sealed: true) }
            if id != active.id { return ReadableExtent(end: segment.bytes, sealed: true) }
            if durableOnly { return ReadableExtent(end: durable.segment == id ? durable.offset : 0, sealed: false) }
            return ReadableExtent(end: segment.bytes, sealed: false)
        }
    }

    /// The first segment after `id` still on disk; nil when `id` is the active one.
    func segment(after id: UInt64) -> UInt64? {
        monitor.withLock { segments.first(where: { $0.id > id })?.id }
    }

    /// Sleeps until something readable lies past `position` (more bytes, or a newer segment) or `deadline`.
    /// False on timeout or when the spool is closed.
    func waitForData(after position: SpoolPosition, durableOnly: Bool, until deadline: Double?) -> Bool {
        monitor.withLock {
            while !closed {
                if active.id != position.segment { return true }
                let end = durableOnly ? (durable.segment == active.id ? durable.offset : 0) : active.bytes
                if end > position.offset { return true }
                if !appended.wait(monitor, until: deadline) { return false }
            }
            return false
        }
    }

    /// The reader found corruption in the middle of the active segment: seal it so the reader can move on
    /// (records after the damage in that segment are lost, and counted).
    func sealIfActive(_ id: UInt64) {
        monitor.withLock {
            guard active.id == id else { return }
            do { try rollLocked() } catch {
                logger.error("spool could not seal a corrupt segment", metadata: ["error": "\(error)"])
            }
        }
    }

    func noteCorruptRecord(segment: UInt64, offset: Int) {
        monitor.withLock { counters.corruptRecordsSkipped += 1 }
        logger.warning("spool record failed its checksum; skipped",
                       metadata: ["segment": "\(files.path(segment))", "offset": "\(offset)"])
    }

    func noteCorruptSegment(segment: UInt64, offset: Int) {
        monitor.withLock { counters.corruptSegmentsSkipped += 1 }
        logger.error("spool segment is corrupt from here on; skipping to the next segment",
                     metadata: ["segment": "\(files.path(segment))", "offset": "\(offset)"])
    }
}
