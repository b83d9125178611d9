/// Reads a `type: journald` input.
enum JournaldInputSection {
    static let kind = InputsSection.Kind(
        keys: ["directory", "files", "matches", "start", "dataset", "max_custom_fields"],
        read: { id, context throws(ConfigError) in .journald(try read(id: id, context)) })

    static func read(id: String, _ context: InputsSection.Context) throws(ConfigError) -> JournaldInputSettings {
        let entry = context.entry
        var settings = JournaldInputSettings(id: id)
        settings.source = try readSource(entry)
        if let matches = entry["matches"] {
            settings.matches = try matches.stringList()
            for (index, match) in settings.matches.enumerated() where !isValidMatch(match) {
                throw try matches.list()[index].error(
                    "expected FIELD=value with FIELD in upper case letters, digits and _ (e.g. \"_SYSTEMD_UNIT=sshd.service\"), got \"\(match)\"")
            }
        }
        if let start = entry["start"] { settings.start = try start.choice(JournaldInputSettings.Start.self) }
        settings.dataset = try DatasetKey.read(entry, default: settings.dataset, output: context.output)
        if let fields = entry["max_custom_fields"] { settings.maxCustomFields = try fields.int(in: 0...10_000) }
        return settings
    }

    /// Neither key: the local journal. Relative paths are taken from the configuration file's directory.
    private static func readSource(_ entry: ConfigMapping) throws(ConfigError) -> JournaldInputSettings.Source {
        switch (entry["directory"], entry["files"]) {
        case (nil, nil):
            return .local
        case (.some, .some(let files)):
            throw files.error("set either directory or files, not both")
        case (.some(let directory), nil):
            return .directory(entry.value.source.resolve(try directory.nonEmptyString()))
        case (nil, .some(let files)):
            let paths = try files.stringList(allowingSingle: true)
            guard !paths.isEmpty else { throw files.error("needs at least one file; remove the key to read the local journal") }
            return .files(paths.map(entry.value.source.resolve))
        }
    }

    /// `FIELD=value` as journalctl takes it; the value may be empty (matches entries where the field is empty).
    static func isValidMatch(_ match: String) -> Bool {
        guard let equals = match.firstIndex(of: "=") else { return false }
        let field = match[..<equals]
        return !field.isEmpty && field.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
