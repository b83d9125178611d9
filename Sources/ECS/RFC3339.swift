import Glibc

/// RFC 3339 times as text, for the code that reads and writes them outside documents (alarms, reports, the
/// command line): UTC with milliseconds on output (`2026-12-02T06:00:00.000Z`, what the cluster's
/// `key_as_string` and the dashboards' URLs use), `Z` or an offset and any fraction on input. Seconds since the
/// epoch inside. Documents' `@timestamp` is written by `TimestampWriter`, which works on bytes and microseconds.
public enum RFC3339 {
    /// `2026-12-02T06:00:00.000Z`.
    public static func format(_ seconds: Double) -> String {
        // Whole milliseconds, rounded: truncating the fraction turned 0.123 (stored as 0.12299…) into .122.
        let total = Int64((seconds * 1000).rounded())
        let millis = Int(((total % 1000) + 1000) % 1000)
        var t = time_t((total - Int64(millis)) / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        // Digits by hand: `String(format:)` goes through CoreFoundation's locale-aware formatter, and a cycle
        // formats a few thousand of these.
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 { out.append(UInt8(ascii: "0") + UInt8((v / divisor) % 10)); v %= divisor; divisor /= 10 }
        }
        digits(Int(parts.tm_year) + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); out.append(UInt8(ascii: "."))
        digits(millis, 3); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`. By hand rather than with
    /// `ISO8601DateFormatter`, whose first use loads ICU's calendar data (several MB of RSS for one `--now`).
    public static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for c in b[from..<(from + count)] {
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard let year = number(0, 4), b.count >= 10, b[4] == UInt8(ascii: "-"), let month = number(5, 2),
              b[7] == UInt8(ascii: "-"), let day = number(8, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900); parts.tm_mon = Int32(month - 1); parts.tm_mday = Int32(day)
        if b.count == 10 { return Double(timegm(&parts)) }
        guard b.count >= 20, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              let hour = number(11, 2), b[13] == UInt8(ascii: ":"), let minute = number(14, 2), b[16] == UInt8(ascii: ":"),
              let second = number(17, 2), hour < 24, minute < 60, second <= 60 else { return nil }
        parts.tm_hour = Int32(hour); parts.tm_min = Int32(minute); parts.tm_sec = Int32(second)
        var i = 19
        var fraction = 0.0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { fraction += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == b.count, let h = number(i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let m = number(i + 4, 2) else { return nil }
            offset = (h * 3600 + m * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        default: return nil
        }
        // Milliseconds are what `format` writes: rounding there keeps parse(format(t)) == t for whole milliseconds.
        let millis = (fraction * 1000).rounded() / 1000
        return Double(Int(timegm(&parts)) - offset) + millis
    }
}
