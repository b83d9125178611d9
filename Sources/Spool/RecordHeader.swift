/// The 20 bytes in front of every record:
///
///     0      magic 0xB5
///     1      format version (1)
///     2..<4  reserved, zero
///     4..<8  payload length, little endian
///     8..<16 append time, µs since the Unix epoch, little endian
///     16..<20 CRC-32C of bytes 0..<16 followed by the payload
///
/// The checksum covers the header too, so a flipped length or timestamp is caught like a flipped payload byte.
struct RecordHeader: Equatable {
    static let size = 20
    static let magic: UInt8 = 0xB5
    static let version: UInt8 = 1

    var length: Int
    var appendedMicros: UInt64
    var checksum: UInt32

    /// Builds the header for `payload`, checksum included.
    init(payload: UnsafeRawBufferPointer, appendedMicros: UInt64) {
        self.length = payload.count
        self.appendedMicros = appendedMicros
        self.checksum = 0
        let headCRC = self.bytes.withUnsafeBytes { CRC32C.update(0, UnsafeRawBufferPointer(rebasing: $0[0..<16])) }
        self.checksum = CRC32C.update(headCRC, payload)
    }

    /// Reads a header; nil when the bytes cannot be one (wrong magic or version, length beyond `maxLength`).
    init?(_ raw: UnsafeRawBufferPointer, maxLength: Int) {
        guard raw.count >= Self.size, raw[0] == Self.magic, raw[1] == Self.version, raw[2] == 0, raw[3] == 0 else { return nil }
        let length = Int(raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian)
        guard length <= maxLength else { return nil }
        self.length = length
        self.appendedMicros = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
        self.checksum = raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self).littleEndian
    }

    /// Writes the header in front of the payload that already follows it in `record` (header + payload),
    /// checksum included: the batch path builds records in place instead of going through `bytes`.
    static func write(into record: UnsafeMutableRawBufferPointer, length: Int, appendedMicros: UInt64) {
        record.storeBytes(of: magic, toByteOffset: 0, as: UInt8.self)
        record.storeBytes(of: version, toByteOffset: 1, as: UInt8.self)
        record.storeBytes(of: 0, toByteOffset: 2, as: UInt16.self)
        record.storeBytes(of: UInt32(length).littleEndian, toByteOffset: 4, as: UInt32.self)
        record.storeBytes(of: appendedMicros.littleEndian, toByteOffset: 8, as: UInt64.self)
        let all = UnsafeRawBufferPointer(record)
        let head = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: all[0..<16]))
        let crc = CRC32C.update(head, UnsafeRawBufferPointer(rebasing: all[size..<(size + length)]))
        record.storeBytes(of: crc.littleEndian, toByteOffset: 16, as: UInt32.self)
    }

    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.size)
        out[0] = Self.magic
        out[1] = Self.version
        withUnsafeBytes(of: UInt32(length).littleEndian) { out.replaceSubrange(4..<8, with: $0) }
        withUnsafeBytes(of: appendedMicros.littleEndian) { out.replaceSubrange(8..<16, with: $0) }
        withUnsafeBytes(of: checksum.littleEndian) { out.replaceSubrange(16..<20, with: $0) }
        return out
    }

    /// Header plus payload on disk.
    var recordSize: Int { Self.size + length }

    /// True when `record` (header and payload, `recordSize` bytes) matches its checksum.
    static func isIntact(_ record: UnsafeRawBufferPointer, _ header: RecordHeader) -> Bool {
        let head = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: record[0..<16]))
        let all = CRC32C.update(head, UnsafeRawBufferPointer(rebasing: record[Self.size..<header.recordSize]))
        return all == header.checksum
    }
}
