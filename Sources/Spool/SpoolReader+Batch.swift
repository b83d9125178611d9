import Reporting
import Pipeline

extension SpoolReader {
    /// Appends records to `builder` until it is full or `maxWait` seconds have passed, and returns the position
    /// after the last record consumed — the batch's checkpoint — or nil when the builder is still empty.
    ///
    /// Each record is one bulk item as `BatchBuilder.append` writes it: an action line and a document line,
    /// each ending in `\n`. A record of any other shape cannot be sent; it is skipped and counted in
    /// `malformedRecords` of the spool metrics.
    public func fill(_ builder: inout BatchBuilder, maxWait: Double) throws -> SpoolPosition? {
        let deadline = MonotonicClock.seconds() + maxWait
        var consumed = false
        while !builder.isFull {
            let got: Bool? = try withNextRecord(until: deadline) { _, payload in
                guard let split = Self.actionEnd(payload) else { return false }
                builder.append(writeAction: { $0.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[..<split])) },
                               writeDocument: { $0.append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[(split + 1)..<(payload.count - 1)])) })
                return true
            }
            guard let wellFormed = got else { break }
            consumed = true
            if !wellFormed { spool.noteMalformedRecord(segment: position.segment, offset: position.offset) }
        }
        return consumed && !builder.isEmpty ? position : nil
    }

    /// Index of the newline ending the action line, when the record is `action\ndocument\n` with both non-empty.
    static func actionEnd(_ record: UnsafeRawBufferPointer) -> Int? {
        guard record.count >= 4, record[record.count - 1] == 0x0A,
              let newline = record.firstIndex(of: 0x0A), newline > 0, newline < record.count - 2 else { return nil }
        return newline
    }
}

extension Spool {
    func noteMalformedRecord(segment: UInt64, offset: Int) {
        monitor.withLock { counters.malformedRecords += 1 }
        logger.warning("spool record is not an action line and a document line; skipped",
                       metadata: ["segment": "\(files.path(segment))", "end": "\(offset)"])
    }
}
