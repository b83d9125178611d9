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
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: binary)
        setup.arguments = ["setup", "--config", config, "--mappings", TestPaths.packageRoot + "/Mappings"]
        try setup.run(); setup.waitUntilExit()
        #expect(setup.terminationStatus == 0)

        let ship = Process()
        ship.executableURL = URL(fileURLWithPath: binary)
        ship.arguments = ["ship", "--config", config]
        let out = Pipe()
        ship.standardOutput = out
        ship.standardError = FileHandle.nullDevice
        try ship.run()
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
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/logger")
            p.arguments = ["-n", "127.0.0.1", "-T", "-P", "\(tcpPort)", "--rfc5424", "--octet-count", "-t", "e2e", "-p", "user.err", "syslog line \(i)"]
            try p.run(); p.waitUntilExit()
            #expect(p.terminationStatus == 0)
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
}
