import Testing
@testable import Config

@Suite("metrics and shutdown_timeout")
struct MetricsConfigTests {
    @Test("absent: the endpoint is off and the shutdown deadline is left to the command line")
    func absent() throws {
        let config = try parse(minimalInputs)
        #expect(config.metrics.listen == nil)
        #expect(config.shutdownTimeoutSeconds == nil)
    }

    @Test("listen and unready_after are read, IPv4 and bracketed IPv6")
    func present() throws {
        let config = try parse("metrics: {listen: 127.0.0.1:9600, unready_after: 45s}\nshutdown_timeout: 10s\n" + minimalInputs)
        #expect(config.metrics.listen == MetricsSettings.Address(host: "127.0.0.1", port: 9600))
        #expect(config.metrics.unreadyAfterSeconds == 45)
        #expect(config.shutdownTimeoutSeconds == 10)
        let v6 = try parse("metrics: {listen: \"[::1]:9601\"}\n" + minimalInputs)
        #expect(v6.metrics.listen == MetricsSettings.Address(host: "::1", port: 9601))
        #expect(v6.metrics.listen?.description == "[::1]:9601")
    }

    @Test("bad addresses say what is wrong, with file, line and key", arguments: [
        ("9600", "expected host:port, e.g. 127.0.0.1:9600"),
        ("127.0.0.1:0", "port must be a number from 1 to 65535"),
        ("127.0.0.1:http", "port must be a number from 1 to 65535"),
        (":9600", "missing host; use 127.0.0.1 or 0.0.0.0 explicitly"),
        ("::1:9600", "write an IPv6 address in brackets, e.g. [::1]:9600"),
        ("[::1", "unclosed [ in IPv6 address"),
    ])
    func badAddress(text: String, message: String) {
        let error = configError("logging: {level: info}\nmetrics:\n  listen: \"\(text)\"\n" + minimalInputs)
        #expect(error?.line == 3)
        #expect(error?.keyPath == "metrics.listen")
        #expect(error?.message == message)
    }

    @Test("a metrics section without listen, an unknown key, a bad deadline")
    func otherErrors() {
        let missing = configError("metrics: {unready_after: 5s}\n" + minimalInputs)
        #expect(missing?.keyPath == "metrics.listen")
        #expect(missing?.message.hasPrefix("missing required key") == true)
        let unknown = configError("metrics: {listen: 127.0.0.1:9600, port: 1}\n" + minimalInputs)
        #expect(unknown?.keyPath == "metrics.port")
        let deadline = configError("shutdown_timeout: soon\n" + minimalInputs)
        #expect(deadline?.keyPath == "shutdown_timeout")
        #expect(deadline?.line == 1)
    }
}
