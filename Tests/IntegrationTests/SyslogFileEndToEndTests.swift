import Foundation
import Testing
import TestSupport

/// syslog over TCP (util-linux `logger`) and a tailed file → the real `logbridge ship` → a real osmem-server.
@Suite(.serialized) struct SyslogFileEndToEndTests {
    @Test func syslogAndFileArriveOnceEach() throws {
        let osmem = try OsmemServer()
        let dir = try temporaryDirectory("lb-sf"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let tcpPort = freePort()
        let logPath = dir + "/messages.log"
        let fileLines = 200
        try (0..<fileLines).map { "Nov 29 00:\(String(format: "%02d", $0 / 60)):\(String(format: "%02d", $0 % 60)) flp042 readout[77]: file line \($0)\n" }
            .joined().write(toFile: logPath, atomically: true, encoding: .utf8)
        let config = dir + "/logbridge.yaml"
        try """
            state_dir: \(dir)/state
            logging: {level: info}
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 100, max_bytes: 1MiB, flush_interval: 100ms}
              retry: {initial_backoff: 100ms, max_backoff: 1s}
            inputs:
              - type: syslog
                id: farm-syslog
                listen: ["tcp://127.0.0.1:\(tcpPort)"]
                timezone: UTC
              - type: file
                id: farm-files
                paths: ["\(dir)/*.log"]
                format: rfc3164
                timezone: UTC
                scan_interval: 1s
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let binary = try TestPaths.logbridgeBinary()
        let setup = try runCommand(binary, ["setup", "--config", config, "--mappings", TestPaths.packageRoot + "/Mappings"])
        #expect(setup.status == 0, "\(setup.output)")

        let ship = try startCommand(binary, ["ship", "--config", config])
        defer { if ship.isRunning { kill(ship.processIdentifier, SIGKILL) } }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in(); addr.sin_family = sa_family_t(AF_INET); addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = in_port_t(UInt16(tcpPort).bigEndian)
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
            close(fd)
            if ok { break }
            usleep(50_000)
        }
        let syslogCount = 100
        for i in 0..<syslogCount {
            let sent = try runCommand("/usr/bin/logger", ["-n", "127.0.0.1", "-T", "-P", "\(tcpPort)", "--rfc5424", "--octet-count",
                                                         "-t", "e2e", "-p", "user.err", "syslog line \(i)"])
            #expect(sent.status == 0)
        }
        let total = syslogCount + fileLines
        let wait = Date().addingTimeInterval(60)
        var count = 0
        while Date() < wait {
            try? osmem.refresh()
            count = ((try? osmem.count("logs-system.syslog-*")) ?? 0) + ((try? osmem.count("logs-system.file-*")) ?? 0)
            if count >= total { break }
            usleep(200_000)
        }
        kill(ship.processIdentifier, SIGTERM)
        let stopDeadline = Date().addingTimeInterval(30)
        while ship.isRunning && Date() < stopDeadline { usleep(50_000) }
        #expect(!ship.isRunning)
        try osmem.refresh()
        let syslogDocs = try osmem.documents("logs-system.syslog-*")
        let fileDocs = try osmem.documents("logs-system.file-*")
        #expect(syslogDocs.count == syslogCount)
        #expect(fileDocs.count == fileLines)
        #expect(Set(syslogDocs.compactMap { $0.source["message"] as? String }) == Set((0..<syslogCount).map { "syslog line \($0)" }))
        #expect(Set(fileDocs.compactMap { $0.source["message"] as? String }) == Set((0..<fileLines).map { "file line \($0)" }))
        let one = try #require(syslogDocs.first)
        #expect((one.source["source"] as? [String: Any])?["ip"] as? String == "127.0.0.1")
        #expect(((one.source["log"] as? [String: Any])?["level"]) as? String == "err")
        // Both checkpoints were persisted: a restart would neither re-send nor skip.
        #expect(FileManager.default.fileExists(atPath: dir + "/state/checkpoints/farm-files"))
        #expect(FileManager.default.fileExists(atPath: dir + "/state/checkpoints/farm-syslog"))
    }

    /// Issue item 3: with the cluster down and a small spool (`when_full: block`), a TCP sender is stopped by
    /// the kernel (LogBridge stops reading, the bytes wait in its socket buffer), UDP datagrams sent meanwhile
    /// are dropped and counted, and once the cluster comes up every TCP message is indexed exactly once.
    @Test func tcpBackPressureStopsReadingUDPCountsDropsNothingLost() throws {
        let dir = try temporaryDirectory("lb-bp"); defer { try? FileManager.default.removeItem(atPath: dir) }
        // Nothing listens on the cluster port until the test starts osmem there.
        let clusterPort = freePort(), tcpPort = freePort(), udpPort = freePort(), metricsPort = freePort()
        let config = dir + "/logbridge.yaml"
        try """
            state_dir: \(dir)/state
            logging: {level: info}
            metrics: {listen: "127.0.0.1:\(metricsPort)"}
            output:
              hosts: ["http://127.0.0.1:\(clusterPort)"]
              compression: none
              batch: {max_docs: 200, max_bytes: 1MiB, flush_interval: 100ms}
              retry: {initial_backoff: 100ms, max_backoff: 500ms}
            inputs:
              - type: syslog
                id: bp-syslog
                listen: ["tcp://127.0.0.1:\(tcpPort)", "udp://127.0.0.1:\(udpPort)"]
                timezone: UTC
                spool: {max_bytes: 128KiB, segment_bytes: 64KiB, fsync: never, when_full: block}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let logPath = dir + "/stderr.log"
        let ship = try startLogbridge(["ship", "--config", config], stderr: outputFile(logPath))
        defer { if ship.isRunning { kill(ship.processIdentifier, SIGKILL) } }
        let listening = Date().addingTimeInterval(20)
        while !tcpConnectable(tcpPort) && Date() < listening { usleep(50_000) }

        // A plain socket client with a small send buffer, so that it is the receiver's buffer that fills.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var sndbuf: Int32 = 16 << 10
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, socklen_t(MemoryLayout<Int32>.size))
        var addr = loopbackAddress(tcpPort)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(rc == 0, "connect to the syslog listener")
        let padding = String(repeating: "x", count: 400)
        func line(_ i: Int) -> [UInt8] { Array("<14>1 2026-11-29T00:00:00.000Z flp042 bp 7 - - tcp message \(i) \(padding)\n".utf8) }

        // Send without blocking until the kernel accepts nothing more for 3 s: LogBridge is not reading.
        let limit = 100_000
        var sent = 0                     // whole messages handed to the kernel
        var pending = line(0), offset = 0
        var lastProgress = Date()
        while Date().timeIntervalSince(lastProgress) < 3 && sent < limit {
            let n = pending.withUnsafeBytes { send(fd, $0.baseAddress! + offset, pending.count - offset, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
                lastProgress = Date()
                if offset == pending.count { sent += 1; pending = line(sent); offset = 0 }
            } else {
                try #require(errno == EAGAIN || errno == EWOULDBLOCK, "send failed: errno \(errno)")
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 100)
            }
        }
        #expect(sent < limit, "the sender was never blocked: LogBridge kept reading with the cluster down")
        // The unread bytes sit in LogBridge's receive queue and stay there.
        let queued = unreadSocketBytes(localPort: tcpPort)
        #expect(queued > 0, "LogBridge's socket should hold unread bytes, not have read them into memory (sent \(sent))")
        usleep(1_000_000)
        #expect(unreadSocketBytes(localPort: tcpPort) == queued, "LogBridge read from a paused connection")

        // The same condition for UDP: datagrams cannot be paused, so they are dropped and counted.
        let udpCount = 50
        let logger = try runCommand("/usr/bin/logger", ["-d", "-n", "127.0.0.1", "-P", "\(udpPort)", "--rfc5424", "-t", "bp-udp"],
                                    stdin: Data((0..<udpCount).map { "udp message \($0)\n" }.joined().utf8))
        #expect(logger.status == 0)
        var dropped = -1.0
        let countDeadline = Date().addingTimeInterval(10)
        repeat {
            dropped = httpGet(port: metricsPort, "/metrics").flatMap { metric($0.body, "logbridge_input_dropped_total", labels: #"input="bp-syslog",type="syslog""#) } ?? -1
            if dropped >= Double(udpCount) { break }
            usleep(100_000)
        } while Date() < countDeadline
        #expect(dropped == Double(udpCount), "every UDP datagram sent while the pipeline was full is counted as dropped")

        // The cluster comes up: what waited in the spool, the queue and the socket flows, and the sender
        // (now blocking) finishes; every message must be indexed once.
        let osmem = try OsmemServer(port: clusterPort)
        let extra = 200
        var rest = Array(pending[offset...])
        for i in (sent + 1)..<(sent + extra) { rest += line(i) }
        var done = 0
        while done < rest.count {
            let n = rest.withUnsafeBytes { send(fd, $0.baseAddress! + done, rest.count - done, Int32(MSG_NOSIGNAL)) }
            try #require(n > 0, "blocking send failed: errno \(errno)")
            done += n
        }
        shutdown(fd, Int32(SHUT_WR))
        let total = sent + extra
        let wait = Date().addingTimeInterval(180)
        var count = 0
        while Date() < wait {
            count = (try? osmem.count("logs-system.syslog-*")) ?? 0
            if count >= total { break }
            usleep(500_000)
        }
        usleep(1_000_000)   // a duplicate would arrive after the last original
        let docs = try osmem.documents("logs-system.syslog-*", size: total + 1000)
        #expect(docs.count == total, "sent \(total) TCP messages (\(sent) before the sender blocked), indexed \(docs.count)")
        #expect(Set(docs.map(\.id)).count == docs.count, "document ids are unique")
        let messages = docs.compactMap { $0.source["message"] as? String }.map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        #expect(Set(messages) == Set((0..<total).map { "tcp message \($0)" }), "each TCP message exactly once, no UDP message")
        #expect(messages.count == Set(messages).count)

        kill(ship.processIdentifier, SIGTERM)
        let stopDeadline = Date().addingTimeInterval(30)
        while ship.isRunning && Date() < stopDeadline { usleep(50_000) }
        #expect(!ship.isRunning)
        let stderr = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let stopped = stderr.split(separator: "\n").last { $0.contains("syslog receiver stopped") }.map(String.init) ?? ""
        #expect(stopped.contains("udp_dropped=\(udpCount)") || stopped.contains("udp_dropped: \(udpCount)"), "stop log: \(stopped)")
        #expect(!stopped.contains("pauses=0") && !stopped.contains("pauses: 0") && stopped.contains("pauses"), "stop log: \(stopped)")
    }
}
