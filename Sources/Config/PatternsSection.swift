/// Reads the top-level `patterns:` section (Settings+Patterns.swift); each input's own `patterns:` switch is
/// read with the input (InputsSection).
enum PatternsSection {
    static let keys = ["enabled", "max_patterns", "masks", "catalogue", "catalogue_interval"]

    static func read(_ section: ConfigMapping) throws(ConfigError) -> PatternSettings {
        var settings = PatternSettings()
        if let v = section["enabled"] { settings.enabled = try v.bool() }
        if let v = section["max_patterns"] { settings.maxPatterns = try v.int(in: 16...1_000_000) }
        if let v = section["masks"] {
            for item in try v.list() {
                let mask = try item.nonEmptyString()
                if mask.allSatisfy({ $0 == "*" || $0 == "?" }) {
                    throw item.error("\"\(mask)\" would mask every token of that length or any token; "
                                     + "give the fixed part, e.g. \"blk_*\"")
                }
                if mask.contains(where: { $0 == " " || $0 == "\t" }) {
                    throw item.error("a mask matches one token, which never contains spaces")
                }
                settings.masks.append(mask)
            }
        }
        if let v = section["catalogue"] { settings.catalogue = try v.bool() }
        if let v = section["catalogue_interval"] { settings.catalogueIntervalSeconds = try v.positiveSeconds() }
        return settings
    }
}
