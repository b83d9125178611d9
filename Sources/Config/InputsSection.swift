/// Reads `inputs:`, dispatching each entry on its `type` to the reader for that kind of input.
enum InputsSection {
    /// Everything an input reader gets: its own mapping (keys already checked) and facts from elsewhere in the file.
    struct Context {
        let entry: ConfigMapping
        let output: OutputSettings
    }

    /// One entry per input type. Adding `syslog`, `file` or `infologger` is a new reader file and a line here
    /// (plus a case in `InputSettings`).
    struct Kind: Sendable {
        /// Keys the input accepts besides `type` and `id`.
        let keys: [String]
        let read: @Sendable (_ id: String, _ context: Context) throws(ConfigError) -> InputSettings
    }

    static let kinds: [String: Kind] = [
        "journald": JournaldInputSection.kind,
        "syslog": SyslogInputSection.kind,
        "file": FileInputSection.kind,
        "infologger": InfoLoggerInputSection.kind,
    ]

    /// `required`: `ship` needs at least one input; `setup` and the alarm commands accept none, so that one
    /// file with `inputs: []` can serve an admin machine or the alarms host.
    /// The inputs, and the ids of those with `patterns: false`.
    static func read(_ value: ConfigValue?, in root: ConfigMapping, output: OutputSettings,
                     required: Bool = true) throws(ConfigError) -> ([InputSettings], Set<String>) {
        guard let value else {
            guard required else { return ([], []) }
            throw root.value.child("inputs", root.value.node).error("missing required key: nothing to ship; add at least one input")
        }
        let entries = try value.list()
        if entries.isEmpty {
            guard required else { return ([], []) }
            throw value.error("nothing to ship; add at least one input")
        }

        var inputs: [InputSettings] = []
        var patternsOff: Set<String> = []
        var firstLineOfID: [String: Int] = [:]
        for entry in entries {
            let (input, patterns) = try readOne(entry, output: output)
            if !patterns { patternsOff.insert(input.id) }
            if let first = firstLineOfID[input.id] {
                throw entry.child("id", entry.node).error(
                    "duplicate input id \"\(input.id)\" (first used on line \(first)); ids name checkpoints and must be unique")
            }
            firstLineOfID[input.id] = entry.line ?? 0
            inputs.append(input)
        }
        return (inputs, patternsOff)
    }

    /// Keys every input accepts besides its own: `patterns: false` switches log-pattern ids off for it.
    static let commonKeys = ["type", "id", "patterns"]

    private static func readOne(_ entry: ConfigValue, output: OutputSettings) throws(ConfigError) -> (InputSettings, Bool) {
        // The type decides which keys are valid, so read it before checking the rest.
        guard case .mapping(let raw) = entry.node else {
            throw entry.error("expected a mapping with type and id, got \(entry.shapeDescription)")
        }
        let known = kinds.keys.sorted()
        let typeValue = try ConfigMapping(entry, keys: raw.keys.compactMap(\.string)).required("type")
        let type = try typeValue.nonEmptyString()
        guard let kind = kinds[type] else {
            throw typeValue.error("unknown input type \"\(type)\"" + Suggestion.hint(for: type, among: known, listName: "known types"))
        }
        let mapping = try ConfigMapping(entry, keys: commonKeys + kind.keys)
        let idValue = try mapping.required("id")
        let id = try idValue.nonEmptyString()
        if let problem = idProblem(id) { throw idValue.error(problem) }
        let patterns = try mapping["patterns"]?.bool() ?? true
        return (try kind.read(id, Context(entry: mapping, output: output)), patterns)
    }

    /// The longest id: it is a file name under `<state_dir>/checkpoints` and a directory under
    /// `<state_dir>/spool`, with room for the temporary name a checkpoint is written under.
    static let maxIDLength = 128

    /// Why `id` cannot name an input's state, or nil. An id is used unchanged as the checkpoint file's and
    /// the spool directory's name, so two different ids can never share state (escaping other characters
    /// once let `.a` and `_.a` share `checkpoints/_.a`). A leading letter or digit keeps `.`, `..` and hidden
    /// names out.
    static func idProblem(_ id: String) -> String? {
        let allowed = id.unicodeScalars.allSatisfy { u in
            switch u {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
            default: return false
            }
        }
        let first = id.unicodeScalars.first
        let startsWell = first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) } ?? false
        if !allowed || !startsWell {
            return "input id \"\(id)\" may hold only letters, digits, \".\", \"_\" and \"-\", and must start with a letter or digit (it names the input's checkpoint file and spool directory)"
        }
        if id.utf8.count > maxIDLength { return "input id is longer than \(maxIDLength) characters" }
        return nil
    }
}
