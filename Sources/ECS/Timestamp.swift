/// RFC 3339 timestamps in UTC with microseconds, written without Foundation: the hot path formats one per event.
public struct TimestampWriter {
    @usableFromInline var cachedDay: Int64 = .min
    @usableFromInline var cachedDate: [UInt8] = []   // "YYYY-MM-DDT"

    public init() {}

    /// `2026-11-29T00:10:13.123456Z` for microseconds since the Unix epoch.
    @inlinable @inline(__always)
    public mutating func append<Out: JSONOutput>(microseconds us: Int64, to out: inout Out) {
        let (day, usOfDay) = Self.split(us)
        if day != cachedDay { cacheDate(day) }
        out.append(bytes: cachedDate)
        let secs = Int(usOfDay / 1_000_000)
        let frac = Int(usOfDay % 1_000_000)
        Self.append2(secs / 3600, &out); out.append(0x3A)
        Self.append2((secs / 60) % 60, &out); out.append(0x3A)
        Self.append2(secs % 60, &out); out.append(0x2E)
        var f = frac
        var six: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &six) { d in
            for k in stride(from: 5, through: 0, by: -1) { d[k] = 0x30 &+ UInt8(f % 10); f /= 10 }
            out.append(bytes: UnsafeBufferPointer(start: d.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 6))
        }
        out.append(0x5A)
    }

    @usableFromInline
    mutating func cacheDate(_ day: Int64) {
        cachedDay = day
        let (y, m, d) = Self.civil(fromDays: day)
        cachedDate.removeAll(keepingCapacity: true)
        Self.append4(y, &cachedDate); cachedDate.append(0x2D)
        Self.append2(m, &cachedDate); cachedDate.append(0x2D)
        Self.append2(d, &cachedDate); cachedDate.append(0x54)
    }

    /// Day number since the epoch and microseconds into that day (floor division, so pre-1970 works).
    @inlinable @inline(__always)
    public static func split(_ us: Int64) -> (day: Int64, usOfDay: Int64) {
        let perDay: Int64 = 86_400_000_000
        var day = us / perDay
        var rem = us % perDay
        if rem < 0 { rem += perDay; day -= 1 }
        return (day, rem)
    }

    /// Howard Hinnant's days → civil date, exact for the proleptic Gregorian calendar.
    public static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// Inverse of `civil(fromDays:)`.
    public static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @inlinable @inline(__always) static func append2<Out: JSONOutput>(_ v: Int, _ out: inout Out) {
        out.append(0x30 &+ UInt8(truncatingIfNeeded: v / 10)); out.append(0x30 &+ UInt8(truncatingIfNeeded: v % 10))
    }
    @inlinable @inline(__always) static func append4<Out: JSONOutput>(_ v: Int, _ out: inout Out) {
        let v = max(0, min(9999, v))
        append2(v / 100, &out); append2(v % 100, &out)
    }
}
