/// Reads a `type: file` input.
enum FileInputSection {
    static let kind = InputsSection.Kind(
        keys: ["dataset", "paths", "exclude", "format", "start", "scan_interval", "poll_interval", "max_line_size",
               "timezone", "multiline", "fingerprint_size"],
        read: { id, context throws(ConfigError) in .file(try read(id: id, context)) })

    static let multilineKeys = ["start_pattern", "continuation_pattern", "max_lines", "max_bytes", "timeout"]

    static func read(id: String, _ context: InputsSection.Context) throws(ConfigError) -> FileInputSettings {
        let entry = context.entry
        var settings = FileInputSettings(id: id)
        settings.dataset = try DatasetKey.read(entry, default: settings.dataset, output: context.output)
        let paths = try entry.required("paths")
        settings.paths = try paths.stringList(allowingSingle: true).map(entry.value.source.resolve)
        guard !settings.paths.isEmpty else { throw paths.error("needs at least one path or glob, e.g. /var/log/*.log") }
        if let v = entry["exclude"] { settings.exclude = try v.stringList(allowingSingle: true).map(entry.value.source.resolve) }
        if let v = entry["format"] { settings.format = try v.choice(FileInputSettings.Format.self) }
        if let v = entry["start"] { settings.start = try v.choice(FileInputSettings.Start.self) }
        if let v = entry["scan_interval"] { settings.scanIntervalSeconds = try v.positiveSeconds() }
        if let v = entry["poll_interval"] { settings.pollIntervalSeconds = try v.positiveSeconds() }
        if let v = entry["max_line_size"] {
            settings.maxLineBytes = try v.byteSize()
            guard (64...(16 << 20)).contains(settings.maxLineBytes) else { throw v.error("must be between 64B and 16MiB") }
        }
        if let v = entry["fingerprint_size"] {
            settings.fingerprintBytes = try v.byteSize()
            guard (16...65536).contains(settings.fingerprintBytes) else { throw v.error("must be between 16B and 64KiB") }
        }
        if let v = entry["timezone"] { settings.timezone = try TimezoneKey.read(v) }
        if entry["multiline"] != nil { settings.multiline = try readMultiline(entry) }
        return settings
    }

    private static func readMultiline(_ entry: ConfigMapping) throws(ConfigError) -> FileInputSettings.Multiline {
        let m = try entry.section("multiline", keys: multilineKeys)
        var result: FileInputSettings.Multiline
        switch (m["start_pattern"], m["continuation_pattern"]) {
        case (.some(let s), nil): result = .init(mode: .start, pattern: try s.nonEmptyString())
        case (nil, .some(let c)): result = .init(mode: .continuation, pattern: try c.nonEmptyString())
        case (.some, .some(let c)): throw c.error("set either start_pattern or continuation_pattern, not both")
        case (nil, nil): throw m.value.error("needs start_pattern (a line that begins an event) or continuation_pattern (a line that continues one)")
        }
        let patternValue = m["start_pattern"] ?? m["continuation_pattern"]!
        if let problem = PosixRegex.compileProblem(result.pattern) {
            throw patternValue.error("invalid POSIX extended regular expression: \(problem)")
        }
        if let v = m["max_lines"] { result.maxLines = try v.int(in: 2...100_000) }
        if let v = m["max_bytes"] {
            result.maxBytes = try v.byteSize()
            guard (64...(16 << 20)).contains(result.maxBytes) else { throw v.error("must be between 64B and 16MiB") }
        }
        if let v = m["timeout"] { result.timeoutSeconds = try v.positiveSeconds() }
        return result
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Checks a multiline pattern at load time with the same engine the file input runs (POSIX `regcomp`, extended).
enum PosixRegex {
    static func compileProblem(_ pattern: String) -> String? {
        var re = regex_t()
        let rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)
        if rc == 0 { regfree(&re); return nil }
        var buf = [CChar](repeating: 0, count: 256)
        regerror(rc, &re, &buf, buf.count)
        return String(cString: buf)
    }
}
