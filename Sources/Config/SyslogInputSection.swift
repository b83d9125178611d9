/// Reads a `type: syslog` input.
enum SyslogInputSection {
    static let kind = InputsSection.Kind(
        keys: ["dataset", "spool"],
        read: { id, context throws(ConfigError) in .syslog(try read(id: id, context)) })

    static func read(id: String, _ context: InputsSection.Context) throws(ConfigError) -> SyslogInputSettings {
        var settings = SyslogInputSettings(id: id)
        if let dataset = context.entry["dataset"] { settings.dataset = try dataset.nonEmptyString() }
        settings.spool = try SpoolSection.read(context.entry)
        return settings
    }
}
