import ECS
#if canImport(Glibc)
import Glibc
#endif

/// One InfoLogger text record `*<version>#f1#…#fN`, split into fields without copying: offsets into the
/// caller's bytes. The message is the rest of the record and may itself contain `#`.
struct InfoLoggerRecord {
    enum Field: Int, CaseIterable {
        case severity, level, timestamp, hostname, rolename, pid, username, system, facility, detector, partition,
             dest, run, errcode, errline, errsource, message
    }

    enum Version: Sendable {
        case v1_2, v1_3, v1_4

        /// Field order on the wire (InfoLogger's `infoLoggerMessage.cxx` protocol tables).
        var layout: [Field] {
            switch self {
            case .v1_4: return Self.layout14
            case .v1_3: return Self.layout13
            case .v1_2: return Self.layout12
            }
        }
        private static let layout14: [Field] = [.severity, .level, .timestamp, .hostname, .rolename, .pid, .username,
                                                 .system, .facility, .detector, .partition, .run, .errcode, .errline,
                                                 .errsource, .message]
        private static let layout13: [Field] = [.severity, .level, .timestamp, .hostname, .rolename, .pid, .username,
                                                 .system, .facility, .detector, .partition, .dest, .run, .errcode,
                                                 .errline, .errsource, .message]
        private static let layout12: [Field] = [.severity, .timestamp, .hostname, .rolename, .pid, .username, .system,
                                                 .facility, .dest, .run, .message]
    }

    /// Why a record could not be split; it is still indexed, whole, as `message` and `event.original`.
    enum Problem: Error, Equatable {
        case notARecord, unknownVersion, tooFewFields

        var text: String {
            switch self {
            case .notARecord: return "not an InfoLogger record (does not start with '*')"
            case .unknownVersion: return "unknown InfoLogger protocol version (known: 1.2, 1.3, 1.4)"
            case .tooFewFields: return "too few fields for its protocol version"
            }
        }
    }

    var version: Version = .v1_4
    /// Per `Field` f: start offset at `2f`, end at `2f + 1`; equal when the field is empty or absent in this
    /// version. One array, written through one buffer pointer per record: per-element writes to two arrays
    /// paid a uniqueness check each.
    private(set) var bounds = [Int](repeating: 0, count: 2 * Field.allCases.count)

    /// Splits `bytes` into fields, reusing this value's storage (no allocation per record).
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        var version = self.version
        defer { self.version = version }
        return bounds.withUnsafeMutableBufferPointer { bounds in
            bounds.update(repeating: 0)
            guard let base = bytes.baseAddress, bytes.count > 0, base[0] == 0x2A else { return .notARecord }
            let n = bytes.count
            guard let versionEnd = Self.hash(base, from: 1, to: n) else { return .notARecord }
            switch versionEnd {
            case 4 where base[1] == 0x31 && base[2] == 0x2E && base[3] == 0x34: version = .v1_4
            case 4 where base[1] == 0x31 && base[2] == 0x2E && base[3] == 0x33: version = .v1_3
            case 4 where base[1] == 0x31 && base[2] == 0x2E && base[3] == 0x32: version = .v1_2
            default: return .unknownVersion
            }
            let layout = version.layout
            var pos = versionEnd + 1
            for k in 0..<(layout.count - 1) {
                guard let sep = Self.hash(base, from: pos, to: n) else { return .tooFewFields }
                bounds[2 * layout[k].rawValue] = pos
                bounds[2 * layout[k].rawValue + 1] = sep
                pos = sep + 1
            }
            bounds[2 * Field.message.rawValue] = pos
            bounds[2 * Field.message.rawValue + 1] = n
            return nil
        }
    }

    @inline(__always) func isEmpty(_ f: Field) -> Bool { bounds[2 * f.rawValue + 1] == bounds[2 * f.rawValue] }
    @inline(__always) func range(_ f: Field) -> Range<Int> { bounds[2 * f.rawValue]..<bounds[2 * f.rawValue + 1] }

    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let p = memchr(base + from, 0x23, to - from) else { return nil }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }
}

/// Numbers as InfoLogger reads them: plain decimal, and ≤ 0 or anything unparsable means "undefined".
enum InfoLoggerNumbers {
    @inline(__always)
    static func positiveInteger(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int64? {
        guard let v = ASCIIDecimal.unsigned(b, r), v > 0 else { return nil }
        return v
    }

    /// `1795912022.760665` (Unix seconds, `%lf`) as microseconds; nil when not such a number.
    @inline(__always)
    static func timestampMicros(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int64? {
        guard !r.isEmpty else { return nil }
        var seconds: Int64 = 0
        var i = r.lowerBound
        var digits = 0
        while i < r.upperBound, b[i] != 0x2E {
            let d = b[i] &- 0x30
            guard d < 10, digits < 12 else { return nil }
            seconds = seconds * 10 + Int64(d)
            digits += 1
            i += 1
        }
        guard digits > 0 else { return nil }
        var micros: Int64 = 0
        var scale: Int64 = 100_000
        if i < r.upperBound {
            i += 1
            while i < r.upperBound {
                let d = b[i] &- 0x30
                guard d < 10 else { return nil }
                // Beyond microseconds: ignored, like the sender's own %lf printing cuts there.
                if scale > 0 { micros += Int64(d) * scale; scale /= 10 }
                i += 1
            }
        }
        return seconds * 1_000_000 + micros
    }
}
