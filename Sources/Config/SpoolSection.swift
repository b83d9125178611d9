/// Reads an input's `spool:` section (network inputs only).
enum SpoolSection {
    static let keys = ["max_bytes", "segment_bytes", "fsync", "when_full"]

    static func read(_ entry: ConfigMapping) throws(ConfigError) -> SpoolSettings {
        var settings = SpoolSettings()
        let spool = try entry.section("spool", keys: keys)
        if let v = spool["max_bytes"] { settings.maxBytes = try v.byteSize() }
        if let v = spool["segment_bytes"] { settings.segmentBytes = try v.byteSize() }
        guard settings.segmentBytes >= 64 * 1024 else {
            throw spool.value.child("segment_bytes", spool.value.node).error("must be at least 64KiB")
        }
        guard settings.maxBytes >= 2 * settings.segmentBytes else {
            throw spool.value.child("max_bytes", spool.value.node).error("must hold at least two segments (2 × segment_bytes)")
        }
        if let v = spool["fsync"] {
            switch try v.string() {
            case "always": settings.fsync = .always
            case "never": settings.fsync = .never
            default: settings.fsync = .interval(seconds: try v.positiveSeconds())
            }
        }
        if let v = spool["when_full"] { settings.whenFull = try v.choice(SpoolSettings.WhenFull.self) }
        return settings
    }
}
