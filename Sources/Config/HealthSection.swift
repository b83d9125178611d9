/// Reads the top-level `health:` section (Settings+Health.swift).
enum HealthSection {
    static let keys = ["enabled", "interval"]

    static func read(_ section: ConfigMapping) throws(ConfigError) -> HealthSettings {
        var settings = HealthSettings()
        if let v = section["enabled"] { settings.enabled = try v.bool() }
        if let v = section["interval"] {
            let seconds = try v.positiveSeconds()
            // Below a second the documents outnumber what they describe on a quiet node; a day leaves a
            // report's period without a sample.
            guard seconds >= 1, seconds <= 86_400 else { throw v.error("must be between 1s and 24h, got \(seconds) s") }
            settings.intervalSeconds = seconds
        }
        return settings
    }
}
