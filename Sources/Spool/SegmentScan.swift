/// One step through a segment's records, shared by recovery, the reader and `dropOldest`'s record count.
enum ScanStep {
    /// `bytes` is the whole record, header first; valid until the cursor reads again.
    case record(RecordHeader, bytes: UnsafeRawBufferPointer)
    /// A clean end: no byte after the last record.
    case end
    /// Bytes that cannot be a whole record: a partial header, or a length reaching past the end.
    case torn
    /// A header that is not one: its length cannot be trusted, so neither can anything after it.
    case corrupt
    /// A well-formed header whose checksum does not match header and payload. Whether the length is right
    /// can only be judged by what follows it.
    case mismatch(RecordHeader)

    static func next(_ cursor: SegmentCursor, at offset: Int, limit: Int?, maxRecordBytes: Int,
                     verify: Bool = true) throws -> ScanStep {
        guard let head = try cursor.view(offset: offset, count: RecordHeader.size, limit: limit) else {
            return cursor.bytesSeen(after: offset) == 0 ? .end : .torn
        }
        guard let header = RecordHeader(head, maxLength: maxRecordBytes) else {
            // A tail of zeros is what a crash leaves after the file size grew but the data did not land.
            return .corrupt
        }
        guard let record = try cursor.view(offset: offset, count: header.recordSize, limit: limit) else { return .torn }
        if verify && !RecordHeader.isIntact(record, header) { return .mismatch(header) }
        return .record(header, bytes: record)
    }
}

extension ScanStep {
    /// After a checksum mismatch at `offset`: true when the bytes after the damaged record are a good record or
    /// a clean end, i.e. its length field was right and only that one record needs skipping.
    static func canSkipOne(_ cursor: SegmentCursor, damagedAt offset: Int, _ header: RecordHeader, limit: Int?,
                           maxRecordBytes: Int) throws -> Bool {
        let following = offset + header.recordSize
        if let limit, following > limit { return false }
        switch try next(cursor, at: following, limit: limit, maxRecordBytes: maxRecordBytes) {
        case .record, .end: return true
        case .torn, .corrupt, .mismatch: return false
        }
    }
}
