import Config
import Foundation

/// Times are seconds since the epoch (Double) inside the module and RFC 3339 UTC with milliseconds on the wire.
public enum Timestamps {
    public static func format(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let millis = Int(((seconds - seconds.rounded(.down)) * 1000).rounded(.down))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// `2026-11-29T00:10:13Z`, with optional fraction; also accepts a date alone and `now`, `now-2h` for the CLI.
    public static func parse(_ text: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        if text == "now" { return now }
        if text.hasPrefix("now-"), let d = durationText(String(text.dropFirst(4))) { return now - d }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: text) { return d.timeIntervalSince1970 }
        formatter.formatOptions = [.withInternetDateTime]
        if let d = formatter.date(from: text) { return d.timeIntervalSince1970 }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)?.timeIntervalSince1970
    }

    static func durationText(_ text: String) -> Double? {
        if text.hasSuffix("d"), let days = Double(text.dropLast()) { return days * 86_400 }
        return parseDurationSeconds(text)
    }

    /// `logbridge-alarms-2026.11`: the monthly history index of the alarm's time.
    static func monthIndex(_ prefix: String, _ seconds: Double) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%@-%04d.%02d", prefix, Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1)
    }
}
