import Testing
@testable import Config

@Suite("reports.email")
struct ReportEmailConfigTests {
    static let base = """
        reports:
          email:
            url: smtp://mail.example.org:587
            from: "LogBridge <logbridge@example.org>"
            to: [shift@example.org, rc@example.org]

        """

    @Test("defaults: STARTTLS required for smtp://, none for smtps://, 30 s, no login")
    func defaults() throws {
        let email = try #require(try parse(Self.base + minimalInputs).reports.email)
        #expect(email.startTLS == .required && !email.implicitTLS)
        #expect(email.from == MailAddress(name: "LogBridge", address: "logbridge@example.org"))
        #expect(email.to.map(\.address) == ["shift@example.org", "rc@example.org"])
        #expect(email.username == nil && email.password == nil && email.caFile == nil && email.timeoutSeconds == 30)
        let smtps = try #require(try parse(Self.base.replacingOccurrences(of: "smtp://mail.example.org:587", with: "smtps://mail.example.org")
                                           + minimalInputs).reports.email)
        #expect(smtps.startTLS == .none && smtps.implicitTLS)
        #expect(try parse(minimalInputs).reports.email == nil)
    }

    /// Read when a mail is sent, not at load (the shipper shares the file and never has the password), with the
    /// error of the key that named it.
    @Test("the password comes from a file, a named variable or LOGBRIDGE_SMTP_PASSWORD, when it is needed")
    func password() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("pw", "from-file\n")
        let file = try #require(try parse(Self.base + "    username: report\n    password_file: pw\n" + minimalInputs,
                                          path: dir.path + "/logbridge.yaml").reports.email)
        #expect(try file.password?.read().value == "from-file")
        #expect(String(describing: try file.password!.read()) == "<redacted>")

        let missing = try #require(try parse(Self.base + "    username: report\n    password_file: /nonexistent/pw\n" + minimalInputs).reports.email)
        #expect(throws: ConfigError(file: "/etc/logbridge/logbridge.yaml", line: 7, keyPath: "reports.email.password_file",
                                    message: "cannot read secret file /nonexistent/pw: No such file or directory")) { try missing.password?.read() }

        let env = try #require(try parse(Self.base + "    username: report\n    password_env: MAILPW\n" + minimalInputs,
                                         environment: ["MAILPW": "from-env"]).reports.email)
        #expect(try env.password?.read().value == "from-env")

        let implicit = try #require(try parse(Self.base + "    username: report\n" + minimalInputs,
                                              environment: ["LOGBRIDGE_SMTP_PASSWORD": "default-env"]).reports.email)
        #expect(try implicit.password?.read().value == "default-env")
        let unset = try #require(try parse(Self.base + "    username: report\n" + minimalInputs).reports.email)
        #expect(throws: ConfigError(file: "/etc/logbridge/logbridge.yaml", line: 6, keyPath: "reports.email.username",
                                    message: "environment variable LOGBRIDGE_SMTP_PASSWORD is not set")) { try unset.password?.read() }
    }

    @Test("mistakes name the file, line and key", arguments: [
        ("    pasword_file: pw\n", 6, "reports.email.pasword_file", "did you mean \"password_file\"?"),
        ("    password: hunter2\n", 6, "reports.email.password", "must not be written in the configuration"),
        ("    starttls: maybe\n", 6, "reports.email.starttls", "required, none"),
        ("    username: report\n    starttls: none\n", 6, "reports.email.username", "a login needs TLS"),
        ("    password_file: pw\n", 6, "reports.email.password_file", "a password needs a user name"),
        ("    username: r\n    password_file: pw\n    password_env: X\n", 8, "reports.email.password_env", "not both"),
        ("    timeout: soon\n", 6, "reports.email.timeout", "a duration"),
    ])
    func errors(extra: String, line: Int, key: String, fragment: String) {
        let error = configError(Self.base + extra + minimalInputs)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.keyPath == key, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test("URLs and addresses", arguments: [
        ("url: smtp://mail.example.org:587", "url: http://mail.example.org", "reports.email.url", "unknown scheme \"http\""),
        ("url: smtp://mail.example.org:587", "url: smtp://u:pw@mail.example.org", "reports.email.url", "a password must not be written"),
        ("url: smtp://mail.example.org:587", "url: smtps://mail.example.org\n    starttls: required", "reports.email.starttls", "smtp:// only"),
        ("to: [shift@example.org, rc@example.org]", "to: [shift@example.org, shift example.org]", "reports.email.to[1]", "expected an e-mail address"),
        ("to: [shift@example.org, rc@example.org]", "to: [shift@example.org, SHIFT@example.org]", "reports.email.to[1]", "listed twice"),
        ("to: [shift@example.org, rc@example.org]", "to: []", "reports.email.to", "at least one recipient"),
        ("from: \"LogBridge <logbridge@example.org>\"", "from: \"Log\\\"Bridge <l@example.org>\"", "reports.email.from", "display name"),
    ])
    func addresses(old: String, new: String, key: String, fragment: String) {
        let error = configError(Self.base.replacingOccurrences(of: old, with: new) + minimalInputs)
        #expect(error?.keyPath == key, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
    }
}
