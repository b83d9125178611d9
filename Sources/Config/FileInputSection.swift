/// Reads a `type: file` input.
enum FileInputSection {
    static let kind = InputsSection.Kind(
        keys: ["dataset"],
        read: { id, context throws(ConfigError) in .file(try read(id: id, context)) })

    static func read(id: String, _ context: InputsSection.Context) throws(ConfigError) -> FileInputSettings {
        var settings = FileInputSettings(id: id)
        if let dataset = context.entry["dataset"] { settings.dataset = try dataset.nonEmptyString() }
        return settings
    }
}
