/// Reads a `type: infologger` input.
enum InfoLoggerInputSection {
    static let kind = InputsSection.Kind(
        keys: ["dataset", "spool"],
        read: { id, context throws(ConfigError) in .infologger(try read(id: id, context)) })

    static func read(id: String, _ context: InputsSection.Context) throws(ConfigError) -> InfoLoggerInputSettings {
        var settings = InfoLoggerInputSettings(id: id)
        if let dataset = context.entry["dataset"] { settings.dataset = try dataset.nonEmptyString() }
        settings.spool = try SpoolSection.read(context.entry)
        return settings
    }
}
