import Testing
@testable import Config

/// `type: syslog` and `type: file` sections: defaults, values, and errors that name line and key.
struct SyslogFileConfigTests {
    @Test func syslogReadsListenersAndDefaults() throws {
        let c = try parse("""
            inputs:
              - type: syslog
                id: farm-syslog
                listen: ["udp://0.0.0.0:514", "tcp://[::1]:1514"]
                max_message_size: 8KiB
                max_connections: 10
                timezone: Europe/Zurich
            """)
        guard case .syslog(let s) = c.inputs[0] else { Issue.record("not syslog"); return }
        #expect(s.listen == [.init(transport: .udp, host: "0.0.0.0", port: 514), .init(transport: .tcp, host: "::1", port: 1514)])
        #expect(s.maxMessageBytes == 8192 && s.limits.maxConnections == 10 && s.timezone == "Europe/Zurich")
        #expect(s.dataset == "system.syslog" && s.tls == nil)
    }

    @Test func syslogErrorsNameLineAndKey() {
        let bad = configError("""
            inputs:
              - type: syslog
                id: s
                listen: ["tcp://0.0.0.0:514", "http://x:1"]
            """)
        #expect(bad?.line == 4)
        #expect(bad?.keyPath == "inputs[0].listen[1]")
        #expect(bad?.message.contains("unknown scheme") == true)
        let tls = configError("""
            inputs:
              - type: syslog
                id: s
                listen: tls://0.0.0.0:6514
            """)
        #expect(tls?.message.contains("missing required key") == true)
        let tz = configError("""
            inputs:
              - type: syslog
                id: s
                listen: udp://0.0.0.0:514
                timezone: Mars/Base
            """)
        #expect(tz?.keyPath == "inputs[0].timezone" && tz?.line == 5)
        let typo = configError("""
            inputs:
              - type: syslog
                id: s
                listen: udp://0.0.0.0:514
                max_conections: 3
            """)
        #expect(typo?.message.contains("max_connections") == true)
    }

    @Test func fileReadsEverything() throws {
        let c = try parse("""
            inputs:
              - type: file
                id: messages
                paths: ["/var/log/*.log"]
                format: rfc3164
                start: end
                scan_interval: 5s
                multiline: {start_pattern: "^[0-9]{4}-", max_lines: 50}
            """)
        guard case .file(let f) = c.inputs[0] else { Issue.record("not file"); return }
        #expect(f.paths == ["/var/log/*.log"] && f.format == .rfc3164 && f.start == .end && f.scanIntervalSeconds == 5)
        #expect(f.multiline?.mode == .start && f.multiline?.maxLines == 50)
    }

    @Test func fileErrors() {
        let re = configError("""
            inputs:
              - type: file
                id: f
                paths: /x/*.log
                multiline: {continuation_pattern: "([a-"}
            """)
        #expect(re?.keyPath == "inputs[0].multiline.continuation_pattern")
        #expect(re?.message.contains("regular expression") == true)
        let format = configError("""
            inputs:
              - type: file
                id: f
                paths: /x/*.log
                format: rfc3146
            """)
        #expect(format?.message.contains("rfc3164") == true)
        #expect(configError("inputs:\n  - type: file\n    id: f\n")?.message.contains("missing required key") == true)
    }
}
