import Testing
@testable import Config

/// Connection limits, idle timeouts and memory budgets of the listening inputs (docs/reliability.md).
struct ListenerLimitsConfigTests {
    @Test func defaultsAndValues() throws {
        let c = try parse("""
            inputs:
              - type: syslog
                id: s
                listen: tcp://0.0.0.0:514
              - type: syslog
                id: t
                listen: tcp://0.0.0.0:1514
                max_connections: 100
                max_connections_per_address: 10
                idle_timeout: 30s
                max_buffered: 4MiB
                max_buffered_per_connection: 128KiB
              - type: infologger
                id: il
                max_connections: 300
                idle_timeout: 2m
                max_buffered: 64MiB
            """)
        guard case .syslog(let s) = c.inputs[0], case .syslog(let t) = c.inputs[1], case .infologger(let i) = c.inputs[2] else {
            Issue.record("wrong inputs"); return
        }
        #expect(s.limits == ListenerLimitSettings(maxConnections: 1024, maxConnectionsPerAddress: 256, idleTimeoutSeconds: 3600,
                                                  maxBufferedBytes: 1 << 20))
        #expect(s.maxBufferedPerConnection == 64 << 10)
        #expect(t.limits == ListenerLimitSettings(maxConnections: 100, maxConnectionsPerAddress: 10, idleTimeoutSeconds: 30,
                                                  maxBufferedBytes: 4 << 20))
        #expect(t.maxBufferedPerConnection == 128 << 10)
        #expect(i.limits == ListenerLimitSettings(maxConnections: 300, maxConnectionsPerAddress: 64, idleTimeoutSeconds: 120,
                                                  maxBufferedBytes: 64 << 20))
    }

    @Test func errorsNameLineAndKey() {
        let perAddress = configError("""
            inputs:
              - type: syslog
                id: s
                listen: tcp://0.0.0.0:514
                max_connections: 10
                max_connections_per_address: 20
            """)
        #expect(perAddress?.line == 6 && perAddress?.keyPath == "inputs[0].max_connections_per_address")
        #expect(perAddress?.message.contains("above max_connections") == true)

        let budget = configError("""
            inputs:
              - type: syslog
                id: s
                listen: tcp://0.0.0.0:514
                max_buffered: 1KiB
            """)
        #expect(budget?.line == 5 && budget?.keyPath == "inputs[0].max_buffered")

        let connection = configError("""
            inputs:
              - type: syslog
                id: s
                listen: tcp://0.0.0.0:514
                max_buffered: 1MiB
                max_buffered_per_connection: 2MiB
            """)
        #expect(connection?.keyPath == "inputs[0].max_buffered_per_connection")
        #expect(connection?.message.contains("max_buffered") == true)

        let idle = configError("""
            inputs:
              - type: syslog
                id: s
                listen: tcp://0.0.0.0:514
                idle_timeout: soon
            """)
        #expect(idle?.line == 5 && idle?.keyPath == "inputs[0].idle_timeout")

        // Server mode only: an InfoLogger client does not listen.
        let stream = configError("""
            inputs:
              - type: infologger
                id: il
                mode: stream
                connect: 127.0.0.1:6102
                max_connections: 5
            """)
        #expect(stream?.keyPath == "inputs[0].max_connections")
        #expect(stream?.message.contains("only used with mode: server") == true)
    }
}
