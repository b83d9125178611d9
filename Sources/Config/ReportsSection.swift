import Foundation

/// Reads the top-level `reports:` section (Settings+Reports.swift).
enum ReportsSection {
    static let keys = ["shifts", "timezone", "webhook", "email"]

    static func read(_ section: ConfigMapping) throws(ConfigError) -> ReportSettings {
        var settings = ReportSettings()
        if let v = section["shifts"] {
            var starts: [Int] = []
            for item in try v.list() {
                let text = try item.nonEmptyString()
                guard let minutes = minutesOfDay(text) else {
                    throw item.error("expected a time of day as HH:MM (e.g. \"08:00\"), got \"\(text)\"")
                }
                if let last = starts.last, minutes <= last {
                    throw item.error("shift starts must be in ascending order within one day; \"\(text)\" is not after the one before")
                }
                starts.append(minutes)
            }
            if starts.isEmpty { throw v.error("give at least one shift start, e.g. [\"00:00\", \"08:00\", \"16:00\"]") }
            settings.shiftStarts = starts
        }
        if let v = section["timezone"] {
            let name = try v.nonEmptyString()
            guard TimeZone(identifier: name) != nil else {
                throw v.error("unknown time zone \"\(name)\"; give an IANA name such as Europe/Zurich or UTC")
            }
            settings.timeZone = name
        }
        settings.webhook = try ReportWebhookSection.read(section)
        if let v = section["email"] { settings.email = try ReportEmailSection.read(v) }
        return settings
    }

    /// `HH:MM`, 00:00 to 23:59.
    static func minutesOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }
}
