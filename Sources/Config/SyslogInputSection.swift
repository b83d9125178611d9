#if canImport(Glibc)
import Glibc
#endif

/// Reads a `type: syslog` input.
enum SyslogInputSection {
    static let kind = InputsSection.Kind(
        keys: ["dataset", "spool", "listen", "max_message_size", "timezone", "tls", "max_buffered_per_connection"]
            + ListenerLimitKeys.keys,
        read: { id, context throws(ConfigError) in .syslog(try read(id: id, context)) })

    static let tlsKeys = ["certificate", "key", "client_ca", "client_auth"]

    static func read(id: String, _ context: InputsSection.Context) throws(ConfigError) -> SyslogInputSettings {
        let entry = context.entry
        var settings = SyslogInputSettings(id: id)
        settings.dataset = try DatasetKey.read(entry, default: settings.dataset, output: context.output)
        settings.spool = try SpoolSection.read(entry)
        let listen = try entry.required("listen")
        let items = try listen.stringList(allowingSingle: true)
        guard !items.isEmpty else { throw listen.error("needs at least one address, e.g. tcp://0.0.0.0:514") }
        for (index, text) in items.enumerated() {
            switch SyslogInputSettings.Listener.parse(text) {
            case .success(let l): settings.listen.append(l)
            case .failure(let e):
                let at = (try? listen.list()[index]) ?? listen
                throw at.error("\(e.reason), got \"\(text)\"")
            }
        }
        if let v = entry["max_message_size"] {
            settings.maxMessageBytes = try v.byteSize()
            guard (480...(16 << 20)).contains(settings.maxMessageBytes) else {
                throw v.error("must be between 480B (RFC 5424's minimum) and 16MiB")
            }
        }
        try ListenerLimitKeys.read(entry, into: &settings.limits)
        if let v = entry["max_buffered_per_connection"] {
            settings.maxBufferedPerConnection = try v.byteSize()
            guard (4 << 10...settings.limits.maxBufferedBytes).contains(settings.maxBufferedPerConnection) else {
                throw v.error("must be between 4KiB and max_buffered (\(settings.limits.maxBufferedBytes) bytes)")
            }
        }
        if let v = entry["timezone"] { settings.timezone = try TimezoneKey.read(v) }

        let tlsSection = try entry.section("tls", keys: tlsKeys)
        let wantsTLS = settings.listen.contains { $0.transport == .tls }
        if wantsTLS {
            var tls = SyslogInputSettings.TLS()
            let source = entry.value.source
            tls.certificate = source.resolve(try tlsSection.required("certificate").nonEmptyString())
            tls.key = source.resolve(try tlsSection.required("key").nonEmptyString())
            if let ca = tlsSection["client_ca"] { tls.clientCA = source.resolve(try ca.nonEmptyString()) }
            if let auth = tlsSection["client_auth"] { tls.clientAuth = try auth.choice(SyslogInputSettings.TLS.ClientAuth.self) }
            if tls.clientAuth != .none && tls.clientCA == nil {
                throw tlsSection.value.child("client_ca", tlsSection.value.node).error(
                    "missing required key: client_auth \(tls.clientAuth.rawValue) needs the CA bundle client certificates must chain to")
            }
            for (key, path) in [("certificate", tls.certificate), ("key", tls.key)] + (tls.clientCA.map { [("client_ca", $0)] } ?? []) {
                if access(path, R_OK) != 0 {
                    throw tlsSection.value.child(key, tlsSection.value.node).error("cannot read \(path)")
                }
            }
            settings.tls = tls
        } else if let tls = entry["tls"] {
            throw tls.error("tls is set but no listener uses tls://; add one to listen or remove this section")
        }
        return settings
    }
}

/// `dataset:` with the naming checks shared by every input.
enum DatasetKey {
    static func read(_ entry: ConfigMapping, default value: String, output: OutputSettings) throws(ConfigError) -> String {
        if let dataset = entry["dataset"] {
            let text = try dataset.nonEmptyString()
            if let problem = NamingRules.datasetProblem(text, dataStreamMode: output.mode == .dataStream) {
                throw dataset.error(problem)
            }
            return text
        }
        if output.mode == .dataStream, let problem = NamingRules.dataStreamPartProblem(value) {
            throw entry.value.error("the default dataset \"\(value)\" \(problem); set dataset")
        }
        return value
    }
}

/// `timezone:` — `local`, `UTC`, a fixed offset (`+02:00`) or an IANA name found under /usr/share/zoneinfo.
enum TimezoneKey {
    static func read(_ v: ConfigValue) throws(ConfigError) -> String {
        let text = try v.nonEmptyString()
        if text == "local" || text == "UTC" || text == "Z" || isFixedOffset(text) { return text }
        guard !text.contains(".."), !text.hasPrefix("/"),
              access("/usr/share/zoneinfo/" + text, R_OK) == 0 else {
            throw v.error("unknown time zone \"\(text)\"; use local, UTC, an offset like +01:00, or an IANA name such as Europe/Zurich (from /usr/share/zoneinfo)")
        }
        return text
    }

    static func isFixedOffset(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 6, b[0] == 0x2B || b[0] == 0x2D, b[3] == 0x3A else { return false }
        return [1, 2, 4, 5].allSatisfy { b[$0] >= 0x30 && b[$0] <= 0x39 }
    }
}
