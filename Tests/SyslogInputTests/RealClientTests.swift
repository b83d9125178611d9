import Config
import Foundation
import Testing
import TestSupport
@testable import SyslogInput

/// Real senders — util-linux `logger`, rsyslog's omfwd, `openssl s_client` — into a real receiver and spool.
@Suite(.serialized) struct RealClientTests {
    static let logger = "/usr/bin/logger"

    @Test func loggerOverUDPAndTCPBothFormatsAndFramings() throws {
        let h = try ReceiverHarness(); defer { h.stop() }
        let cases: [(String, [String])] = [
            ("udp-3164", ["-d", "--rfc3164", "-P", "\(h.udpPort)"]),
            ("udp-5424", ["-d", "--rfc5424", "-P", "\(h.udpPort)"]),
            ("tcp-3164", ["-T", "--rfc3164", "-P", "\(h.tcpPort)"]),
            ("tcp-5424", ["-T", "--rfc5424", "-P", "\(h.tcpPort)"]),
            ("tcp-5424-oc", ["-T", "--rfc5424", "--octet-count", "-P", "\(h.tcpPort)"]),
            ("tcp-3164-oc", ["-T", "--rfc3164", "--octet-count", "-P", "\(h.tcpPort)"]),
        ]
        for (name, args) in cases {
            let sent = try runCommand(Self.logger, ["-n", "127.0.0.1", "-t", "flp-readout", "-p", "local3.err", "-i"]
                                      + args + (name.contains("5424") ? ["--msgid", "M1"] : []) + ["msg \(name) ünïcode"], timeout: 20)
            #expect(sent.status == 0, "\(name): \(sent.output)")
        }
        let docs = h.waitFor(cases.count)
        #expect(docs.count == cases.count)
        for (name, _) in cases {
            let d = try #require(docs.first { ($0["message"] as? String) == "msg \(name) ünïcode" }, "\(name) missing: \(docs)")
            #expect(d.at("log.syslog.appname") as? String == "flp-readout", "\(name)")
            #expect(d.at("log.syslog.priority") as? Int == 19 * 8 + 3, "\(name)")
            #expect(d.at("log.level") as? String == "err")
            #expect(d.at("log.syslog.facility.name") as? String == "local3")
            #expect(d.at("process.name") as? String == "flp-readout")
            #expect(d.at("process.pid") as? Int != nil, "\(name): \(d)")
            #expect(d.at("source.ip") as? String == "127.0.0.1")
            #expect(d.at("event.dataset") as? String == "system.syslog")
            #expect(d.at("tags") == nil, "\(name): \(d)")
            if name.contains("5424") {
                #expect(d.at("log.syslog.version") as? String == "1")
                #expect(d.at("log.syslog.msgid") as? String == "M1")
                #expect(d.at("log.syslog.structured_data.timeQuality") as? [String: Any] != nil, "logger adds timeQuality SD: \(d)")
            }
        }
        #expect(h.receiver.stats.malformed.load(ordering: .relaxed) == 0)
        // Every document got a distinct id.
        #expect(Set(h.actionLines).count == cases.count)
    }

    @Test func rsyslogForwardsOverTCPOctetCountedAndUDP() throws {
        let h = try ReceiverHarness(); defer { h.stop() }
        let dir = try temporaryDirectory("lb-rsyslog"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let inPort = freePort()
        let conf = """
            global(workDirectory="\(dir)")
            module(load="imtcp")
            input(type="imtcp" port="\(inPort)" address="127.0.0.1")
            action(type="omfwd" target="127.0.0.1" port="\(h.tcpPort)" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
            action(type="omfwd" target="127.0.0.1" port="\(h.udpPort)" protocol="udp")
            """
        try conf.write(toFile: dir + "/rsyslog.conf", atomically: true, encoding: .utf8)
        let rsyslogd = "/usr/sbin/rsyslogd"
        let p = try startCommand(rsyslogd, ["-n", "-f", dir + "/rsyslog.conf", "-i", dir + "/rsyslogd.pid"])
        defer {
            // rsyslogd may take its time over SIGTERM while omfwd retries; it is ours, so SIGKILL after a grace period.
            p.terminate()
            let until = Date().addingTimeInterval(3)
            while p.isRunning && Date() < until { usleep(50_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(10)
        while !canConnect(inPort) && Date() < deadline { usleep(50_000) }
        let count = 50
        for i in 0..<count {
            try runCommand(Self.logger, ["-n", "127.0.0.1", "-T", "-P", "\(inPort)", "--rfc3164", "-t", "rs", "-p", "daemon.warning", "fwd \(i)"],
                           timeout: 20)
        }
        // Each message arrives twice: once over TCP (RFC 5424 octet-counted), once over UDP (RFC 3164).
        let docs = h.waitFor(2 * count, timeout: 30)
        #expect(docs.count == 2 * count)
        let five = docs.filter { $0.at("log.syslog.version") as? String == "1" }
        #expect(five.count == count)
        // rsyslog's %msg% keeps the space that followed the RFC 3164 tag; RFC 5424 MSG is taken verbatim.
        #expect(Set(docs.compactMap { ($0["message"] as? String)?.trimmingCharacters(in: .whitespaces) }) == Set((0..<count).map { "fwd \($0)" }))
        #expect(docs.allSatisfy { $0.at("log.syslog.appname") as? String == "rs" && $0.at("log.level") as? String == "warning" })
        #expect(h.receiver.stats.malformed.load(ordering: .relaxed) == 0)
    }

    @Test func tlsWithOpenSSLClientAndRequiredClientCertificate() throws {
        let dir = try temporaryDirectory("lb-tls"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let openssl = "/usr/bin/openssl"
        for name in ["server", "client"] {
            let made = try runCommand(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(dir)/\(name).key",
                                                "-out", "\(dir)/\(name).pem", "-days", "1", "-subj", "/CN=\(name == "server" ? "localhost" : "flp001")"],
                                      timeout: 20)
            #expect(made.status == 0, "\(made.output)")
        }
        var tls = SyslogInputSettings.TLS()
        tls.certificate = dir + "/server.pem"; tls.key = dir + "/server.key"
        tls.clientCA = dir + "/client.pem"; tls.clientAuth = .required
        let h = try ReceiverHarness(tls: tls); defer { h.stop() }

        let lines = (0..<20).map { "<14>1 2026-11-29T00:00:0\($0 % 10).000Z flp001 tls-app - - - over tls \($0)" }
        let payload = Data(lines.map { "\($0.utf8.count) \($0)" }.joined().utf8)
        let client = try runCommand(openssl, ["s_client", "-connect", "127.0.0.1:\(h.tlsPort)", "-quiet", "-no_ign_eof",
                                              "-cert", dir + "/client.pem", "-key", dir + "/client.key"], stdin: payload, timeout: 20)
        #expect(client.status == 0, "\(client.output)")
        let docs = h.waitFor(20)
        #expect(docs.count == 20)
        #expect(Set(docs.compactMap { $0["message"] as? String }) == Set((0..<20).map { "over tls \($0)" }))

        // Without a client certificate the handshake is refused and nothing is indexed.
        try runCommand(openssl, ["s_client", "-connect", "127.0.0.1:\(h.tlsPort)", "-quiet", "-no_ign_eof"],
                       stdin: Data("5 hello".utf8), timeout: 20)
        usleep(300_000)
        #expect(h.documents.count == 20)
    }

    @Test func hostileInputIsSurvivedAndCounted() throws {
        let h = try ReceiverHarness(maxMessage: 1024, maxConnections: 3); defer { h.stop() }
        var junk: [UInt8] = []
        var x: UInt32 = 7
        for _ in 0..<5000 { x = x &* 1_103_515_245 &+ 12345; junk.append(UInt8(truncatingIfNeeded: x >> 16) | 0x80) }
        junk.append(0x0A)
        // Binary junk, a frame far above the limit, a wrong octet count, invalid UTF-8, then a good message.
        try sendRaw(h.tcpPort, [junk])
        try sendRaw(h.tcpPort, [Array("100004 <13>".utf8) + [UInt8](repeating: 0x41, count: 100_000) + Array("12 <13>after ok".utf8)])
        try sendRaw(h.tcpPort, [Array("<13>Nov 29 00:00:00 h app: bad \u{0}".utf8) + [0xC3, 0x28, 0x0A], Array("<13>Nov 29 00:00:00 h app: good\n".utf8)])
        // Half-open: a partial frame and the peer vanishes.
        try sendRaw(h.tcpPort, [Array("50 <13>Nov 29 00:00:00 h app: cut".utf8)])
        let docs = h.waitFor(6)
        let messages = docs.compactMap { $0["message"] as? String }
        #expect(messages.contains("good"))
        #expect(messages.contains("after ok"))
        #expect(docs.contains { ($0["tags"] as? [String])?.contains("syslog_truncated") == true && ($0["message"] as? String)?.count ?? 0 <= 1024 })
        #expect(docs.contains { ($0["tags"] as? [String])?.contains("syslog_parse_failure") == true && $0.at("event.original") != nil })
        #expect(docs.contains { ($0["tags"] as? [String])?.contains("syslog_invalid_utf8") == true })
        #expect(h.receiver.stats.truncated.load(ordering: .relaxed) >= 2)
        #expect(h.receiver.stats.malformed.load(ordering: .relaxed) >= 2)
        #expect(h.input.counters.malformed.load(ordering: .relaxed) == h.receiver.stats.malformed.load(ordering: .relaxed))

        // max_connections: the fourth concurrent connection is refused; the first three still deliver.
        var fds: [Int32] = []
        for _ in 0..<4 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in(); addr.sin_family = sa_family_t(AF_INET); addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = in_port_t(UInt16(h.tcpPort).bigEndian)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            fds.append(fd)
            usleep(50_000)
        }
        usleep(200_000)
        // All four are busy (none silent for the 1 s eviction needs): the fourth is refused, not a first one evicted.
        let listener = h.receiver.stats.listener.snapshot()
        #expect(listener.refusedTotal + listener.refusedPerAddress == 1 && listener.evicted == 0)
        for fd in fds { close(fd) }
    }
}
