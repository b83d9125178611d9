/// Reads a `type: infologger` input.
enum InfoLoggerInputSection {
    static let kind = InputsSection.Kind(
        keys: ["dataset", "spool", "mode", "listen", "connect", "socket", "tee", "tee_queue", "max_record_bytes",
               "reconnect_max_backoff"] + ListenerLimitKeys.keys,
        read: { id, context throws(ConfigError) in .infologger(try read(id: id, context)) })

    /// Keys that only mean something in one mode: set in another, they are a mistake worth stopping for.
    static let modeOfKey: [String: InfoLoggerInputSettings.Mode] = {
        var keys: [String: InfoLoggerInputSettings.Mode] = [
            "listen": .server, "tee": .server, "tee_queue": .server,
            "connect": .stream, "reconnect_max_backoff": .stream,
            "socket": .local,
        ]
        for key in ListenerLimitKeys.keys { keys[key] = .server }
        return keys
    }()

    static func read(id: String, _ context: InputsSection.Context) throws(ConfigError) -> InfoLoggerInputSettings {
        let entry = context.entry
        var settings = InfoLoggerInputSettings(id: id)
        settings.dataset = try DatasetKey.read(entry, default: settings.dataset, output: context.output)
        settings.spool = try SpoolSection.read(entry)
        if let mode = entry["mode"] { settings.mode = try mode.choice(InfoLoggerInputSettings.Mode.self) }
        for (key, mode) in modeOfKey.sorted(by: { $0.key < $1.key }) where mode != settings.mode {
            if let value = entry[key] {
                throw value.error("only used with mode: \(mode.rawValue) (this input has mode: \(settings.mode.rawValue))")
            }
        }
        if let v = entry["listen"] { settings.listen = try endpoint(v) }
        if let v = entry["tee"] { settings.tee = try endpoint(v) }
        if let v = entry["tee_queue"] { settings.teeQueue = try v.int(in: 1...10_000_000) }
        try ListenerLimitKeys.read(entry, into: &settings.limits)
        if let v = entry["reconnect_max_backoff"] { settings.reconnectMaxSeconds = try v.positiveSeconds() }
        if let v = entry["socket"] {
            let name = try v.nonEmptyString()
            // sockaddr_un holds 108 bytes: the abstract form needs one for its leading NUL, a path one for its final NUL.
            guard name.utf8.count <= 107 else { throw v.error("socket name is longer than 107 bytes") }
            settings.socket = name
        }
        if settings.mode == .stream {
            settings.connect = try endpoint(try entry.required("connect"))
        }
        if let v = entry["max_record_bytes"] {
            let n = try v.byteSize()
            // An encoded document can be ~6× its record (\u00XX escapes) and must fit one 16 MiB spool record.
            guard (64...(2 << 20)).contains(n) else { throw v.error("must be between 64B and 2MiB") }
            settings.maxRecordBytes = n
        }
        return settings
    }

    /// `host:port` or `[ipv6]:port`.
    static func endpoint(_ value: ConfigValue) throws(ConfigError) -> InfoLoggerInputSettings.Endpoint {
        let text = try value.nonEmptyString()
        var host: Substring
        var port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw value.error("expected [address]:port, got \"\(text)\"")
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw value.error("expected host:port, got \"\(text)\"")
            }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw value.error("missing host in \"\(text)\" (use 0.0.0.0 for every address)") }
        guard let number = Int(port), (1...65535).contains(number) else {
            throw value.error("port must be 1–65535, got \"\(port)\"")
        }
        return .init(host: String(host), port: number)
    }
}
