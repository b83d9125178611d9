import Foundation
import Testing
import TestSupport

/// What an operator must be able to rely on: no silent TLS downgrade, no credentials in clear text unless
/// asked for, no secret in any output, private state files.
@Suite(.serialized) struct SecurityTests {
    @Test func insecureTLSWarnsAtEveryStart() throws {
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(taggedEntries("tls", count: 5), name: "farm")
        // Nothing listens there: the warning must come before (and regardless of) any connection.
        var options = ShipperProcess.Options(clusterURL: "https://127.0.0.1:\(freePort())", inputs: [("farm", fx.directory)],
                                             shutdownTimeout: "1s")
        options.outputExtra = ["  tls: {insecure: true}"]
        let shipper = try ShipperProcess(options)
        defer { shipper.remove() }
        for _ in 0..<2 {
            try shipper.start()
            #expect(eventually(10) { shipper.stderr.contains("TLS verification is OFF") }, "\(shipper.stderr)")
            shipper.signal(SIGTERM)
            _ = try shipper.wait(timeout: 10)
        }

        options.outputExtra = []
        try shipper.writeConfig(options)
        try shipper.start()
        sleep(2)
        shipper.signal(SIGTERM)
        _ = try shipper.wait(timeout: 10)
        #expect(!shipper.stderr.contains("TLS verification is OFF"), "no warning when verification is on")
    }

    @Test func credentialsOverPlainHTTPAreRefusedUnlessAllowedAndSecretsAreNeverPrinted() throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(taggedEntries("auth", count: 40), name: "farm")
        let password = "pw-\(UUID().uuidString)"
        let apiKey = "key-\(UUID().uuidString)"
        var options = ShipperProcess.Options(clusterURL: osmem.url, inputs: [("farm", fx.directory)])
        options.loggingLevel = "trace"
        let shipper = try ShipperProcess(options)
        defer { shipper.remove() }
        let passwordFile = shipper.directory + "/password"
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile, 0o600)

        options.outputExtra = ["  auth: {username: logbridge, password_file: \(passwordFile)}"]
        try shipper.writeConfig(options)
        let refused = try shipper.runOnce(timeout: 30)
        #expect(refused != 0, "basic auth over http:// must be refused")
        #expect(shipper.stderr.contains("allow_insecure_credentials"), "\(shipper.stderr)")
        #expect(try osmem.count("logs-*") <= 0, "nothing was sent")

        options.outputExtra.append("  allow_insecure_credentials: true")
        try shipper.writeConfig(options)
        #expect(try shipper.runOnce() == 0, "\(shipper.stderr.suffix(2000))")
        #expect(try osmem.count("logs-*") == 40)

        // An API key from the environment, through the same run and a config error.
        options.outputExtra = ["  auth: {api_key_env: LB_TEST_KEY}", "  allow_insecure_credentials: true"]
        try shipper.writeConfig(options)
        setenv("LB_TEST_KEY", apiKey, 1)
        defer { unsetenv("LB_TEST_KEY") }
        #expect(try shipper.runOnce() == 0)
        options.outputExtra = ["  auth: {api_key_env: LB_TEST_KEY, username: someone}", "  allow_insecure_credentials: true"]
        try shipper.writeConfig(options)
        #expect(try shipper.runOnce(timeout: 30) != 0)

        let everything = shipper.allOutput
        #expect(everything.contains("debug") || everything.contains("trace") || everything.count > 0)
        let basic = Data("logbridge:\(password)".utf8).base64EncodedString()
        for secret in [password, basic, apiKey, Data(apiKey.utf8).base64EncodedString()] {
            #expect(!everything.contains(secret), "a secret was printed")
        }
    }

    @Test func stateFilesArePrivate() throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(taggedEntries("mode", count: 10), name: "farm")
        let shipper = try ShipperProcess(.init(clusterURL: osmem.url, inputs: [("farm", fx.directory)]))
        defer { shipper.remove() }
        // A permissive umask must not make them readable to others.
        let old = umask(0)
        defer { umask(old) }
        #expect(try shipper.runOnce() == 0)
        func mode(_ path: String) -> mode_t {
            var st = stat()
            return stat(path, &st) == 0 ? st.st_mode & 0o777 : 0o7777
        }
        #expect(mode(shipper.stateDirectory) == 0o700)
        #expect(mode(shipper.stateDirectory + "/checkpoints") == 0o700)
        #expect(mode(shipper.checkpointPath("farm")) == 0o600)
    }
}
