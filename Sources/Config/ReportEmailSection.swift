import Foundation

/// Reads `reports.email:` (Settings+ReportEmail.swift). Everything but the password and the CA file is checked
/// here, at load; those two are named here and read by `report --mail` (see `ReportEmailSettings`).
enum ReportEmailSection {
    static let keys = ["url", "from", "to", "starttls", "username", "password_file", "password_env", "ca_file", "timeout"]

    static let forbidden = [
        "password": "a password must not be written in the configuration; put it in a file readable only by "
            + "logbridge and set password_file, or set password_env to the name of an environment variable holding it "
            + "(default: \(defaultPasswordVariable))",
    ]

    /// Where the password is looked for when `username` is set and neither `password_file` nor `password_env` is.
    static let defaultPasswordVariable = "LOGBRIDGE_SMTP_PASSWORD"

    static func read(_ value: ConfigValue) throws(ConfigError) -> ReportEmailSettings {
        let email = try value.mapping(keys: keys, forbidden: forbidden)
        let urlValue = try email.required("url")
        let url = try readURL(urlValue)
        let implicitTLS = url.lowercased().hasPrefix("smtps://")
        let from = try address(try email.required("from"))
        let toValue = try email.required("to")
        var to: [MailAddress] = []
        for item in (try? toValue.list()) ?? [toValue] {
            let a = try address(item)
            if to.contains(where: { $0.address.lowercased() == a.address.lowercased() }) {
                throw item.error("\(a.address) is listed twice")
            }
            to.append(a)
        }
        if to.isEmpty { throw toValue.error("give at least one recipient") }

        var startTLS: ReportEmailSettings.StartTLS = implicitTLS ? .none : .required
        if let v = email["starttls"] {
            if implicitTLS {
                throw v.error("smtps:// is TLS from the first byte; starttls applies to smtp:// only (remove it)")
            }
            startTLS = try v.choice(ReportEmailSettings.StartTLS.self)
        }
        var settings = ReportEmailSettings(url: url, from: from, to: to, startTLS: startTLS)

        let password: SecretReference?
        switch (email["password_file"], email["password_env"]) {
        case (.some, .some(let env)):
            throw env.error("set either password_file or password_env, not both")
        case (.some(let file), nil):
            password = SecretReference(origin: .file(file.source.resolve(try file.nonEmptyString())), place: file.error(""))
        case (nil, .some(let env)):
            let name = try env.nonEmptyString()
            password = SecretReference(origin: .environment(name: name, value: env.source.environment[name].map(Secret.init)),
                                       place: env.error(""))
        case (nil, nil):
            password = nil
        }
        if let user = email["username"] {
            settings.username = try user.nonEmptyString()
            settings.password = password ?? SecretReference(
                origin: .environment(name: defaultPasswordVariable,
                                     value: user.source.environment[defaultPasswordVariable].map(Secret.init)),
                place: user.error(""))
            // A login in clear text gives the password to anyone on the path.
            if !implicitTLS && startTLS == .none {
                throw user.error("a login needs TLS: use smtps://, or smtp:// with starttls: required (the default)")
            }
        } else if password != nil {
            let key = email["password_file"] ?? email["password_env"]!
            throw key.error("a password needs a user name; set username")
        }
        if let ca = email["ca_file"] {
            if !implicitTLS && startTLS == .none { throw ca.error("ca_file needs TLS (smtps://, or starttls: required)") }
            settings.caFile = FileReference(path: ca.source.resolve(try ca.nonEmptyString()), place: ca.error(""))
        }
        if let t = email["timeout"] { settings.timeoutSeconds = try t.positiveSeconds() }
        return settings
    }

    /// `smtp://host[:port][/ehlo-name]` or `smtps://…`; a password in it is refused like any other.
    static func readURL(_ value: ConfigValue) throws(ConfigError) -> String {
        let text = try value.nonEmptyString()
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased() else {
            throw value.error("expected a URL like smtp://mail.example.org:587 or smtps://mail.example.org:465, got \"\(text)\"")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw value.error("unknown scheme \"\(scheme)\"" + Suggestion.hint(for: scheme, among: ["smtp", "smtps"], listName: "expected one of"))
        }
        guard let host = c.host, !host.isEmpty else { throw value.error("the URL names no host: \"\(text)\"") }
        if c.password != nil {
            throw value.error("a password must not be written in the configuration; remove it from the URL and set password_file or password_env")
        }
        if c.user != nil { throw value.error("give the user name as username, not in the URL") }
        if c.query != nil || c.fragment != nil { throw value.error("an SMTP URL takes no query or fragment: \"\(text)\"") }
        return text
    }

    /// `user@example.org` or `Name <user@example.org>`: one `@` with text on both sides, nothing that would break a
    /// header or the SMTP envelope (spaces, quotes, angle brackets, control characters).
    static func address(_ value: ConfigValue) throws(ConfigError) -> MailAddress {
        let text = try value.nonEmptyString().trimmingCharacters(in: .whitespaces)
        var name: String? = nil
        var address = text
        if text.hasSuffix(">"), let open = text.lastIndex(of: "<") {
            address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            let n = text[..<open].trimmingCharacters(in: .whitespaces)
            if n.contains(where: { $0 == "\"" || $0 == "<" || $0 == ">" || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true }) {
                throw value.error("a display name may not hold quotes, angle brackets or control characters: \"\(n)\"")
            }
            name = n.isEmpty ? nil : n
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        let bad = address.contains { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "," || $0 == "\t"
            || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true || !$0.isASCII }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !bad else {
            throw value.error("expected an e-mail address like reports@example.org (optionally \"Name <reports@example.org>\"), got \"\(text)\"")
        }
        return MailAddress(name: name, address: address)
    }
}
