import Testing
@testable import Config

@Suite("Secrets")
struct SecretTests {
    @Test("a password file is read at load, its trailing newline trimmed")
    func passwordFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("pw", "correct horse \n\n")
        let config = try parse("""
        output:
          hosts: https://es:9200
          auth: {username: logbridge, password_file: \(file)}
        \(minimalInputs)
        """)
        #expect(config.output.auth == .basic(username: "logbridge", password: Secret("correct horse ")))
    }

    @Test("a relative secret file is found next to the configuration")
    func relativeSecretFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("api-key", "a2V5\n")
        let config = try parse("output: {hosts: https://es:9200, auth: {api_key_file: api-key}}\n" + minimalInputs,
                               path: dir.path + "/logbridge.yaml")
        #expect(config.output.auth == .apiKey(Secret("a2V5")))
    }

    @Test("secrets from the environment")
    func environment() throws {
        let basic = try parse("output: {hosts: https://es:9200, auth: {username: u, password_env: LB_PW}}\n" + minimalInputs,
                              environment: ["LB_PW": "pw-from-env"])
        #expect(basic.output.auth == .basic(username: "u", password: Secret("pw-from-env")))
        let apiKey = try parse("output: {hosts: https://es:9200, auth: {api_key_env: LB_KEY}}\n" + minimalInputs,
                               environment: ["LB_KEY": "key-from-env"])
        #expect(apiKey.output.auth == .apiKey(Secret("key-from-env")))
    }

    @Test("a missing environment variable is named")
    func missingVariable() {
        let error = configError("output:\n  hosts: https://es:9200\n  auth:\n    username: u\n    password_env: LB_PW\n" + minimalInputs)
        #expect(error == ConfigError(file: "/etc/logbridge/logbridge.yaml", line: 5, keyPath: "output.auth.password_env",
                                     message: "environment variable LB_PW is not set"))
        let empty = configError("output: {hosts: https://es:9200, auth: {api_key_env: K}}\n" + minimalInputs, environment: ["K": ""])
        #expect(empty?.message == "environment variable K is empty")
    }

    @Test("a missing secret file names the key and the path")
    func missingFile() {
        let error = configError("output:\n  hosts: https://es:9200\n  auth: {username: u, password_file: /nonexistent/pw}\n" + minimalInputs)
        #expect(error?.description == "/etc/logbridge/logbridge.yaml:3: output.auth.password_file: "
            + "cannot read secret file /nonexistent/pw: No such file or directory")
    }

    @Test("secret values never appear in the configuration's descriptions")
    func redaction() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("pw", "Hunter2-SECRET\n")
        let config = try parse("output: {hosts: https://es:9200, auth: {username: u, password_file: \(file)}}\n" + minimalInputs)
        var dumped = ""
        dump(config, to: &dumped)
        for text in [String(describing: config), String(reflecting: config), dumped, "\(config.output.auth)"] {
            #expect(!text.contains("Hunter2"), "leaked in: \(text)")
            #expect(text.contains("<redacted>") || text.contains("Secret"))
        }
    }

    @Test("an empty secret file is refused without printing anything from it")
    func emptySecretFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("pw", "\n")
        let error = configError("output: {hosts: https://es:9200, auth: {username: u, password_file: \(file)}}\n" + minimalInputs)
        #expect(error?.message == "secret file \(file) is empty")
    }

    @Test("a literal password is refused, and its value is not repeated")
    func literalPassword() {
        let error = configError("output:\n  auth:\n    username: u\n    password: Hunter2\n" + minimalInputs)
        #expect(error?.line == 4)
        #expect(error?.keyPath == "output.auth.password")
        #expect(error?.message.contains("password_file") == true)
        #expect(error?.message.contains("password_env") == true)
        #expect(error?.description.contains("Hunter2") == false)
        #expect(configError("output: {auth: {api_key: abc}}\n" + minimalInputs)?.message.contains("api_key_file") == true)
    }

    @Test("conflicting credential settings", arguments: [
        ("{username: u, password_file: /f, password_env: P}", "output.auth.password_env", "set either password_file or password_env, not both"),
        ("{api_key_file: /f, api_key_env: K}", "output.auth.api_key_env", "set either api_key_file or api_key_env, not both"),
        ("{username: u, password_env: P, api_key_env: K}", "output.auth", "set either username with a password or an API key, not both"),
        ("{password_env: P}", "output.auth.username", "missing required key (the password needs a user name)"),
        ("{username: u}", "output.auth.username", "a user name needs a password; set password_file or password_env"),
        ("{username: u, api_key_env: K}", "output.auth.username", "an API key carries its own identity; remove username or use a password instead"),
    ])
    func conflicts(auth: String, keyPath: String, message: String) {
        let error = configError("output: {hosts: https://es:9200, auth: \(auth)}\n" + minimalInputs,
                                environment: ["P": "p", "K": "k"])
        #expect(error?.keyPath == keyPath)
        #expect(error?.message == message)
        #expect(error?.line == 1)
    }

    @Test("credentials over plain http are refused unless explicitly allowed")
    func clearTextCredentials() throws {
        let yaml = """
        output:
          hosts: [https://es1:9200, http://es2:9200]
          auth:
            username: u
            password_env: P
        """
        let error = configError(yaml + "\n" + minimalInputs, environment: ["P": "p"])
        #expect(error?.line == 4)
        #expect(error?.keyPath == "output.auth")
        #expect(error?.message == "credentials would be sent unencrypted to http://es2:9200; "
            + "use https:// or set output.allow_insecure_credentials: true")

        let allowed = try parse(yaml + "\n  allow_insecure_credentials: true\n" + minimalInputs, environment: ["P": "p"])
        #expect(allowed.output.allowInsecureCredentials)
        #expect(allowed.output.auth == .basic(username: "u", password: Secret("p")))

        // Without credentials plain http is fine: that is the default host.
        #expect(try parse(minimalInputs).output.hosts == ["http://127.0.0.1:9200"])
    }
}
