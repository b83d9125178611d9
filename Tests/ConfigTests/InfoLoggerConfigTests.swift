import Testing
@testable import Config

@Suite("InfoLogger input configuration")
struct InfoLoggerConfigTests {
    func only(_ yaml: String) throws -> InfoLoggerInputSettings {
        let config = try parse(yaml)
        guard case .infologger(let settings) = config.inputs.first else { throw ConfigError(file: "", line: nil, keyPath: "", message: "not infologger") }
        return settings
    }

    @Test("defaults: server mode on 0.0.0.0:6006, abstract socket infoLoggerD, 1 MiB records")
    func defaults() throws {
        let s = try only("inputs:\n  - {type: infologger, id: il}\n")
        #expect(s.mode == .server)
        #expect(s.listen == .init(host: "0.0.0.0", port: 6006))
        #expect(s.connect == nil && s.tee == nil)
        #expect(s.socket == "infoLoggerD")
        #expect(s.maxRecordBytes == 1 << 20)
        #expect(s.dataset == "infologger")
    }

    @Test("server mode with tee and an IPv6 listen address")
    func server() throws {
        let s = try only("""
        inputs:
          - type: infologger
            id: il
            listen: "[::1]:16006"
            tee: alio2-cr1-mvs01:6006
            tee_queue: 500
            max_record_bytes: 64KiB
            spool: {fsync: never}
        """)
        #expect(s.listen == .init(host: "::1", port: 16006))
        #expect(s.tee == .init(host: "alio2-cr1-mvs01", port: 6006))
        #expect(s.teeQueue == 500)
        #expect(s.maxRecordBytes == 64 << 10)
        #expect(s.spool.fsync == .never)
    }

    @Test("stream mode needs connect")
    func streamNeedsConnect() {
        let error = configError("""
        inputs:
          - type: infologger
            id: il
            mode: stream
        """)
        #expect(error?.line == 2)
        #expect(error?.message == "missing required key")
        #expect(error?.keyPath.hasSuffix("connect") == true)
    }

    @Test("a key of another mode names the mode it belongs to, with file and line")
    func keyOfAnotherMode() {
        let error = configError("""
        inputs:
          - type: infologger
            id: il
            mode: local
            listen: 0.0.0.0:6006
        """, path: "lb.yaml")
        #expect(error?.file == "lb.yaml")
        #expect(error?.line == 5)
        #expect(error?.message == "only used with mode: server (this input has mode: local)")
    }

    @Test("bad endpoints, modes and misspelt keys")
    func badValues() {
        let port = configError("inputs:\n  - {type: infologger, id: il, listen: \"0.0.0.0:99999\"}\n")
        #expect(port?.message == "port must be 1–65535, got \"99999\"")
        let noPort = configError("inputs:\n  - {type: infologger, id: il, mode: stream, connect: myserver}\n")
        #expect(noPort?.message == "expected host:port, got \"myserver\"")
        let mode = configError("inputs:\n  - {type: infologger, id: il, mode: client}\n")
        #expect(mode?.message.contains("server") == true)
        let typo = configError("inputs:\n  - {type: infologger, id: il, lisen: \"0.0.0.0:1\"}\n")
        #expect(typo?.message == "unknown key; did you mean \"listen\"?")
        let big = configError("inputs:\n  - {type: infologger, id: il, max_record_bytes: 8MiB}\n")
        #expect(big?.message == "must be between 64B and 2MiB")
    }
}
