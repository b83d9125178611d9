#if canImport(Glibc)
import Glibc
#endif

/// The current UTC calendar time, for dead-letter timestamps and the dead-letter index date.
struct UTCTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int

    static func now() -> UTCTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var t = tm()
        gmtime_r(&seconds, &t)
        return UTCTime(year: Int(t.tm_year) + 1900, month: Int(t.tm_mon) + 1, day: Int(t.tm_mday),
                       hour: Int(t.tm_hour), minute: Int(t.tm_min), second: Int(t.tm_sec),
                       millisecond: Int(ts.tv_nsec / 1_000_000))
    }

    /// `2024-05-01T12:00:00.123Z`
    var rfc3339: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    /// Fills the date tokens of an index pattern; `{dataset}` has no meaning for dead letters.
    func indexName(_ pattern: String) -> String {
        pattern
            .replacingAll("{yyyy.MM.dd}", with: "\(pad(year, 4)).\(pad(month, 2)).\(pad(day, 2))")
            .replacingAll("{yyyy}", with: pad(year, 4))
            .replacingAll("{MM}", with: pad(month, 2))
            .replacingAll("{dd}", with: pad(day, 2))
            .replacingAll("{dataset}", with: "dead-letter")
    }

    private func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension String {
    /// Foundation-free replacement of every occurrence.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

private extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
