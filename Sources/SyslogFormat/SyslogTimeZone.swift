#if canImport(Glibc)
import Glibc
#endif

/// Turns a wall-clock time read from an RFC 3164 line (which carries no offset) into UTC, for one input's
/// configured zone: a fixed offset, or the transitions of a TZif file from /usr/share/zoneinfo, parsed once.
///
/// TZif rather than `localtime_r`: `localtime_r` follows the process-wide `TZ`, and each input may have its own
/// zone. Debian ships "fat" TZif files whose transitions run to 2037; past the last one the last offset holds.
public struct SyslogTimeZone: Sendable {
    /// Transition instants (UTC seconds), ascending, and the UTC offset in force from each one.
    private let transitions: [Int64]
    private let offsets: [Int32]
    private let initialOffset: Int32
    public let name: String

    // One-entry cache: lines come in time order, so the hour rarely changes between two of them.
    private var cachedHour: Int64 = .min
    private var cachedOffset: Int64 = 0

    public static let utc = SyslogTimeZone(name: "UTC", fixedOffsetSeconds: 0)

    public init(name: String, fixedOffsetSeconds: Int) {
        self.name = name
        transitions = []; offsets = []; initialOffset = Int32(fixedOffsetSeconds)
    }

    init(name: String, transitions: [Int64], offsets: [Int32], initialOffset: Int32) {
        self.name = name; self.transitions = transitions; self.offsets = offsets; self.initialOffset = initialOffset
    }

    /// `local` (the TZ variable, else /etc/localtime), `UTC`, `+01:00`, or an IANA name.
    public static func load(_ spec: String) throws(SyslogTimeZoneError) -> SyslogTimeZone {
        if spec == "UTC" || spec == "Z" { return .utc }
        let b = Array(spec.utf8)
        if b.count == 6, b[0] == 0x2B || b[0] == 0x2D, b[3] == 0x3A,
           let h = Int(String(decoding: b[1..<3], as: UTF8.self)), let m = Int(String(decoding: b[4..<6], as: UTF8.self)) {
            let s = (h * 3600 + m * 60) * (b[0] == 0x2D ? -1 : 1)
            return SyslogTimeZone(name: spec, fixedOffsetSeconds: s)
        }
        var path = "/usr/share/zoneinfo/" + spec
        if spec == "local" {
            if let tz = getenv("TZ").map({ String(cString: $0) }), !tz.isEmpty {
                let name = tz.hasPrefix(":") ? String(tz.dropFirst()) : tz
                path = name.hasPrefix("/") ? name : "/usr/share/zoneinfo/" + name
            } else {
                path = "/etc/localtime"
                if access(path, R_OK) != 0 { return .utc }
            }
        }
        guard let bytes = readWholeFile(path) else { throw SyslogTimeZoneError(spec: spec, reason: "cannot read \(path)") }
        guard let zone = parseTZif(bytes, name: spec) else { throw SyslogTimeZoneError(spec: spec, reason: "\(path) is not a TZif file") }
        return zone
    }

    /// The UTC offset in force at `utc` seconds.
    public func offset(atUTC utc: Int64) -> Int64 {
        guard !transitions.isEmpty, utc >= transitions[0] else { return Int64(initialOffset) }
        var lo = 0, hi = transitions.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if transitions[mid] <= utc { lo = mid } else { hi = mid - 1 }
        }
        return Int64(offsets[lo])
    }

    /// UTC seconds for a local wall-clock time given as seconds since the epoch "as if UTC". In the hour a
    /// DST change repeats, the first (earlier-offset) reading wins.
    public mutating func utc(fromLocal local: Int64) -> Int64 {
        if transitions.isEmpty { return local - Int64(initialOffset) }
        let hour = local >= 0 ? local / 3600 : (local - 3599) / 3600
        if hour != cachedHour {
            let guess = offset(atUTC: local)
            let second = offset(atUTC: local - guess)
            cachedOffset = second
            cachedHour = hour
        }
        return local - cachedOffset
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > 1 << 20 { return nil }
        }
        return out
    }

    /// RFC 8536: the v2+ body (64-bit times) when present, else v1.
    static func parseTZif(_ d: [UInt8], name: String) -> SyslogTimeZone? {
        func be32(_ i: Int) -> Int64 { Int64(Int32(bitPattern: UInt32(d[i]) << 24 | UInt32(d[i + 1]) << 16 | UInt32(d[i + 2]) << 8 | UInt32(d[i + 3]))) }
        func be64(_ i: Int) -> Int64 { (be32(i) << 32) | (be32(i + 4) & 0xFFFF_FFFF) }
        guard d.count >= 44, d[0] == 0x54, d[1] == 0x5A, d[2] == 0x69, d[3] == 0x66 else { return nil }
        func counts(_ at: Int) -> (isut: Int, isstd: Int, leap: Int, time: Int, type: Int, char: Int)? {
            guard at + 44 <= d.count else { return nil }
            return (Int(be32(at + 20)), Int(be32(at + 24)), Int(be32(at + 28)), Int(be32(at + 32)), Int(be32(at + 36)), Int(be32(at + 40)))
        }
        guard var c = counts(0) else { return nil }
        var at = 44
        var timeSize = 4
        if d[4] >= 0x32 {
            // Skip the v1 body to the v2 header.
            at += c.time * 4 + c.time + c.type * 6 + c.char + c.leap * 8 + c.isstd + c.isut
            guard let c2 = counts(at) else { return nil }
            c = c2; at += 44; timeSize = 8
        }
        let need = c.time * timeSize + c.time + c.type * 6
        guard c.type > 0, at + need <= d.count else { return nil }
        var times: [Int64] = []
        for i in 0..<c.time { times.append(timeSize == 8 ? be64(at + i * 8) : be32(at + i * 4)) }
        let idxAt = at + c.time * timeSize
        let typeAt = idxAt + c.time
        var typeOffsets: [Int32] = []
        for t in 0..<c.type { typeOffsets.append(Int32(be32(typeAt + t * 6))) }
        var offs: [Int32] = []
        for i in 0..<c.time {
            let idx = Int(d[idxAt + i])
            guard idx < typeOffsets.count else { return nil }
            offs.append(typeOffsets[idx])
        }
        return SyslogTimeZone(name: name, transitions: times, offsets: offs, initialOffset: typeOffsets[0])
    }
}

public struct SyslogTimeZoneError: Error, CustomStringConvertible {
    public var spec: String
    public var reason: String
    public var description: String { "time zone \"\(spec)\": \(reason)" }
}
