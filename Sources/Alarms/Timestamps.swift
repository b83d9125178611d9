import Config
import ECS
import Foundation

/// Times are seconds since the epoch (Double) inside the module and RFC 3339 UTC with milliseconds on the wire.
public enum Timestamps {
    public static func format(_ seconds: Double) -> String { RFC3339.format(seconds) }

    /// `2026-11-29T00:10:13Z`, with optional fraction; also accepts a date alone and `now`, `now-2h` for the CLI.
    public static func parse(_ text: String, now: Double = Date().timeIntervalSince1970) -> Double? {
        if text == "now" { return now }
        if text.hasPrefix("now-"), let d = durationText(String(text.dropFirst(4))) { return now - d }
        return rfc3339(text)
    }

    static func rfc3339(_ text: String) -> Double? { RFC3339.parse(text) }

    static func durationText(_ text: String) -> Double? {
        if text.hasSuffix("d"), let days = Double(text.dropLast()) { return days * 86_400 }
        return parseDurationSeconds(text)
    }

    /// `logbridge-alarms-2026.11`: the monthly history index of the alarm's time.
    static func monthIndex(_ prefix: String, _ seconds: Double) -> String {
        let month = format(seconds).prefix(7)  // 2026-11
        return prefix + "-" + String(month.map { $0 == "-" ? "." : $0 })
    }
}
