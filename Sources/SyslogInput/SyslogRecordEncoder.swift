import ECS
import Spool
import SyslogFormat
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Instrumentation

/// Turns one received message into one spool record (`action\n` + `document\n`, exactly a bulk item).
/// One per connection or datagram socket, so nothing here is shared between event loops except the
/// sequence number the ids are made from.
struct SyslogRecordEncoder {
    var parser: SyslogParser
    var encoder: SyslogDocumentEncoder
    var namer: IndexNamer
    let identity: SyslogIdentity
    private var idKey: [UInt8]
    /// Rewritten in place for every message (no allocation per message).
    private var docID = [UInt8](repeating: 0, count: 22)

    init(parser: SyslogParser, encoder: SyslogDocumentEncoder, namer: IndexNamer, identity: SyslogIdentity) {
        self.parser = parser; self.encoder = encoder; self.namer = namer; self.identity = identity
        idKey = identity.prefix
    }

    /// Appends the record for `frame` to `out`; returns whether it was malformed (parse failure, bad UTF-8).
    mutating func append(_ frame: UnsafeBufferPointer<UInt8>, truncated: Bool, origin: SyslogDocumentEncoder.Origin,
                         into out: inout [UInt8]) -> Bool {
        let now = WallClock.microseconds()
        var m = parser.parse(frame, reference: now)
        var notes: SyslogDocumentEncoder.Notes = truncated ? .truncated : []
        if m.format == .unparsed { notes.insert(.parseFailure) }
        // RFC 3164 §4.3.3: a relay treats a message without PRI as user.notice.
        if m.priority < 0, m.format == .rfc3164 { m.priority = 13 }
        let time = m.timestamp ?? now
        let index = namer.name(microseconds: time)
        identity.next(into: &idKey)
        idKey.withUnsafeBytes { DocumentID.make($0, into: &docID) }
        BulkAction.appendCreate(index: index, id: docID, to: &out)
        out.append(0x0A)
        encoder.encode(frame, m, eventTime: time, origin: origin, notes: notes, into: &out)
        out.append(0x0A)
        return encoder.lastWasMalformed
    }

    enum Appended { case ok, malformed, refused(Error) }

    /// Appends the record for `frame` to `batch` as a spool record, encoded in place.
    mutating func appendRecord(_ frame: UnsafeBufferPointer<UInt8>, truncated: Bool, origin: SyslogDocumentEncoder.Origin,
                               to batch: inout SpoolWriteBatch) -> Appended {
        var malformed = false
        do {
            try batch.appendRecord(using: &self) { encoder, out in
                malformed = encoder.append(frame, truncated: truncated, origin: origin, into: &out)
            }
        } catch {
            return .refused(error)
        }
        return malformed ? .malformed : .ok
    }
}

/// Network syslog has no natural identity, so each message gets one when it is received:
/// (input id, receiver start time in µs, per-process sequence number). It is written into the spool record
/// once, so a record replayed after a crash or retry keeps its `_id` and the cluster answers 409.
final class SyslogIdentity: Sendable {
    let prefix: [UInt8]
    private let sequence = Atomic<UInt64>(0)

    init(inputID: String, startMicros: Int64) {
        var p = Array(inputID.utf8)
        p.append(0)
        withUnsafeBytes(of: startMicros.littleEndian) { p.append(contentsOf: $0) }
        prefix = p
    }

    /// Replaces the sequence part of `key` (which starts with `prefix`) with the next number.
    @inline(__always) func next(into key: inout [UInt8]) {
        let n = sequence.wrappingAdd(1, ordering: .relaxed).newValue
        if key.count != prefix.count + 8 { key = prefix + [UInt8](repeating: 0, count: 8) }
        // Overwritten in place: resizing the array for every message showed up in the receive profile.
        key.withUnsafeMutableBytes { $0.storeBytes(of: n.littleEndian, toByteOffset: prefix.count, as: UInt64.self) }
    }
}
