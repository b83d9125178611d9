import ECS
import Foundation

/// Times as the report writes them: RFC 3339 UTC with milliseconds (`2026-12-02T06:00:00.000Z`), the form the
/// cluster's `key_as_string` and the dashboards' URLs use. Seconds since the epoch inside.
public enum ReportTime {
    public static func format(_ seconds: Double) -> String { RFC3339.format(seconds) }

    /// RFC 3339 with `Z` or an offset, with or without fractional seconds (or a date alone); nil when it is not one.
    public static func parse(_ text: String) -> Double? { RFC3339.parse(text) }

    /// `90s`, `30m`, `8h`, `7d` in seconds.
    public static func span(_ text: String) -> Double? {
        guard let unit = text.last, let n = Double(text.dropLast()), n > 0 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86400
        default: return nil
        }
    }

    /// `1h 05m`, `3m 20s`, `2d 4h`: durations as a reader wants them.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m \(String(format: "%02d", s % 60))s" }
        if s < 86400 { return "\(s / 3600)h \(String(format: "%02d", (s % 3600) / 60))m" }
        return "\(s / 86400)d \((s % 86400) / 3600)h"
    }

    /// Chart buckets: the smallest of these widths giving at most 48 buckets over the period. They divide a
    /// day, so buckets start on round times (the cluster aligns `fixed_interval` buckets to the epoch).
    public static func bucketSeconds(forPeriod length: Double) -> Int {
        let widths = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        return widths.first { Double($0) * 48 >= length } ?? 86400 * Int((length / 86400 / 48).rounded(.up))
    }
}
