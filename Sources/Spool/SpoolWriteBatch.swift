import Reporting

/// Records laid out exactly as they go on disk (header + payload, back to back) in one buffer the caller
/// keeps and refills, so `Spool.append(_: SpoolWriteBatch)` writes a whole burst with one `pwrite` and one
/// lock acquisition. Reused with `removeAll()`, it allocates nothing per record once it has grown to the
/// size of a burst. Not thread-safe: one per writer (connection).
public struct SpoolWriteBatch: Sendable {
    /// Headers and payloads, ready to be written. Each header is filled in when its record is sealed.
    public private(set) var bytes: [UInt8] = []
    /// End offset (in `bytes`) of each record, so `append` can split a burst at record boundaries when it
    /// crosses a segment or the cap.
    private(set) var ends: [Int] = []
    let maxRecordBytes: Int

    public init(maxRecordBytes: Int = 16 << 20, reservingCapacity: Int = 256 << 10) {
        self.maxRecordBytes = maxRecordBytes
        bytes.reserveCapacity(reservingCapacity)
        ends.reserveCapacity(1024)
    }

    public var count: Int { ends.count }
    /// Bytes the buffer can hold without growing (what it costs in memory while kept for reuse).
    public var capacity: Int { bytes.capacity }
    public var isEmpty: Bool { ends.isEmpty }

    /// Forgets the records, keeping the storage.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// Adds one record whose payload `write` appends to the buffer in place (an encoder writing its output
    /// straight into the batch: no intermediate array, no copy). Throws `recordTooLarge` (and keeps the batch
    /// as it was) when the payload exceeds `maxRecordBytes`.
    public mutating func appendRecord(_ write: (inout [UInt8]) throws -> Void) throws {
        var none: Void = ()
        try appendRecord(using: &none) { _, out in try write(&out) }
    }

    /// The same, handing `writer` (an encoder owned next to the batch) to `write` inout: the caller's encoder
    /// and batch are two separate accesses, so neither has to be copied out (which would copy its buffers).
    public mutating func appendRecord<Writer>(using writer: inout Writer,
                                              _ write: (inout Writer, inout [UInt8]) throws -> Void) throws {
        let start = bytes.count
        bytes.append(contentsOf: Self.blankHeader)
        do { try write(&writer, &bytes) } catch {
            bytes.removeSubrange(start...)
            throw error
        }
        try seal(from: start)
    }

    /// Adds one record, copying `payload`.
    public mutating func append(_ payload: UnsafeRawBufferPointer) throws {
        try appendRecord { $0.append(contentsOf: payload) }
    }

    public mutating func append(_ payload: [UInt8]) throws {
        try payload.withUnsafeBytes { try append($0) }
    }

    /// Fills in the header of the record starting at `start` (length, time, CRC-32C of header and payload).
    private mutating func seal(from start: Int) throws {
        let length = bytes.count - start - RecordHeader.size
        guard length <= maxRecordBytes else {
            bytes.removeSubrange(start...)
            throw SpoolError.recordTooLarge(bytes: length, limit: maxRecordBytes)
        }
        let micros = UInt64(WallClock.microseconds())
        bytes.withUnsafeMutableBytes { all in
            let record = UnsafeMutableRawBufferPointer(rebasing: all[start...])
            RecordHeader.write(into: record, length: length, appendedMicros: micros)
        }
        ends.append(bytes.count)
    }

    private static let blankHeader = [UInt8](repeating: 0, count: RecordHeader.size)
}
