/// Reads `output.auth`, resolving secrets from files or the environment at load time.
///
/// Secrets never live in the configuration file (which is world-readable in most deployments and ends up in
/// tickets and repositories) nor on the command line (visible in `ps`). Messages name keys, paths and
/// variables, never a secret's value.
enum AuthSection {
    static let keys = ["username", "password_file", "password_env", "api_key_file", "api_key_env"]

    static let forbidden = [
        "password": "a password must not be written in the configuration; put it in a file readable only by "
            + "logbridge and set password_file, or set password_env to the name of an environment variable holding it",
        "api_key": "an API key must not be written in the configuration; put it in a file readable only by "
            + "logbridge and set api_key_file, or set api_key_env to the name of an environment variable holding it",
    ]

    static func read(_ auth: ConfigMapping) throws(ConfigError) -> AuthSettings {
        let password = try secret(auth, fileKey: "password_file", envKey: "password_env")
        let apiKey = try secret(auth, fileKey: "api_key_file", envKey: "api_key_env")
        let username = try auth["username"]?.nonEmptyString()

        if password != nil && apiKey != nil {
            throw auth.value.error("set either username with a password or an API key, not both")
        }
        if let apiKey {
            if auth["username"] != nil {
                throw auth["username"]!.error("an API key carries its own identity; remove username or use a password instead")
            }
            return .apiKey(apiKey)
        }
        if let password {
            guard let username else { throw auth.value.child("username", auth.value.node).error("missing required key (the password needs a user name)") }
            return .basic(username: username, password: password)
        }
        if let username = auth["username"] {
            throw username.error("a user name needs a password; set password_file or password_env")
        }
        return .none
    }

    /// One secret from either `<name>_file` or `<name>_env`; nil when neither is set. Also read by
    /// `reports.webhook` (its token and URL).
    static func secret(_ auth: ConfigMapping, fileKey: String, envKey: String) throws(ConfigError) -> Secret? {
        switch (auth[fileKey], auth[envKey]) {
        case (nil, nil):
            return nil
        case (.some, .some(let env)):
            throw env.error("set either \(fileKey) or \(envKey), not both")
        case (.some(let file), nil):
            let path = auth.value.source.resolve(try file.nonEmptyString())
            let text: String
            do { text = try FileText.contents(of: path) } catch {
                throw file.error("cannot read secret file \(path): \(error.reason)")
            }
            let value = trimmingTrailingNewlines(text)
            guard !value.isEmpty else { throw file.error("secret file \(path) is empty") }
            return Secret(value)
        case (nil, .some(let env)):
            let name = try env.nonEmptyString()
            guard let value = auth.value.source.environment[name] else {
                throw env.error("environment variable \(name) is not set")
            }
            guard !value.isEmpty else { throw env.error("environment variable \(name) is empty") }
            return Secret(value)
        }
    }

    /// Editors and `echo` add a final newline that is not part of the secret; anything else is kept as is.
    static func trimmingTrailingNewlines(_ text: String) -> String {
        var out = Substring(text)
        while let last = out.last, last == "\n" || last == "\r\n" || last == "\r" { out.removeLast() }
        return String(out)
    }
}
