import Foundation
import Glibc
import Testing
import TestSupport

/// infoLoggerD (played by TestSupport's InfoLoggerDaemonPeer, byte-exact to the captures) → real `logbridge ship`
/// in server mode → osmem-server, with a `kill -9` of LogBridge in the middle: every message ends up in the index exactly once.
@Suite("InfoLogger end to end", .serialized)
struct InfoLoggerEndToEndTests {
    @Test("kill -9 mid-stream, restart, re-send of unacknowledged frames: exactly N documents")
    func killAndResend() throws {
        let osmem = try OsmemServer()
        defer { osmem.stop() }
        let harness = try ShipperHarness(clusterURL: osmem.url, journalDirectory: "/nonexistent")
        defer { harness.remove() }
        let port = freePort()
        try """
            state_dir: \(harness.directory)/state
            logging: {level: info}
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 200, max_bytes: 1MiB, flush_interval: 200ms}
              retry: {initial_backoff: 100ms, max_backoff: 1s}
            inputs:
              - type: infologger
                id: infologger
                mode: server
                listen: 127.0.0.1:\(port)
            """.write(toFile: harness.configPath, atomically: true, encoding: .utf8)
        #expect(try harness.setup().status == 0)

        let n = 600
        let records = (0..<n).map { i in
            "*1.4#\(["I", "W", "E"][i % 3])#\(1 + i % 30)#1795912022.\(String(format: "%06d", i))#flp\(String(format: "%03d", 1 + i % 4))#readout#\(4000 + i % 4)#flp#FLP#readout#TPC#PHYSICS_1#551234#\(i % 7 == 0 ? "3004" : "")#\(i)#Readout.cxx#message \(i) with # inside"
        }
        var process = try harness.start(["ship", "--config", harness.configPath])
        let peer = InfoLoggerDaemonPeer(port: port)
        try peer.connect(timeout: 20)
        try peer.send(Array(records[0..<200]))
        #expect(try peer.waitAllAcknowledged(timeout: 20))
        // Pipelined, not waited for: LogBridge dies with part of this burst spooled, ACKed or neither.
        try peer.send(Array(records[200..<400]))
        usleep(5_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        peer.disconnect()
        let unacknowledgedAtCrash = peer.unacknowledged.count

        process = try harness.start(["ship", "--config", harness.configPath])
        defer { kill(process.processIdentifier, SIGTERM); process.waitUntilExit() }
        try peer.connect(timeout: 20)
        try peer.send(Array(records[400..<n]))
        #expect(try peer.waitAllAcknowledged(timeout: 30))

        var count = 0
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            try osmem.refresh()
            count = try osmem.count("logs-infologger-*")
            if count >= n { break }
            usleep(300_000)
        }
        usleep(1_000_000)   // anything still in flight would show up as an extra document
        try osmem.refresh()
        count = try osmem.count("logs-infologger-*")
        #expect(count == n, "unacknowledged at the crash: \(unacknowledgedAtCrash)")
        let docs = try osmem.documents("logs-infologger-*", size: 2 * n)
        let messages = docs.compactMap { $0.source["message"] as? String }
        #expect(Set(messages) == Set((0..<n).map { "message \($0) with # inside" }))
        #expect(messages.count == n)
        let sample = try #require(docs.first { ($0.source["message"] as? String) == "message 7 with # inside" })
        #expect((sample.source["error"] as? [String: Any])?["code"] as? String == "3004")
        #expect((sample.source["infologger"] as? [String: Any])?["level"] as? Int == 8)
    }
}

/// The InfoLogger counters travel to `/metrics` and the final summary line like the other per-input counters;
/// the tee forwards what the cluster gets and never holds it up.
@Suite("InfoLogger counters and tee", .serialized)
struct InfoLoggerCountersAndTeeTests {
    /// Every counter of InfoLoggerCounters moved by real input: good and malformed records, junk after the
    /// handshake, a tee that acknowledges, a tee that is down with a 5-message queue, and a stream server
    /// that hangs up once (a gap).
    @Test("each InfoLogger counter moves with real input and shows on /metrics and in the summary")
    func countersOnMetricsAndSummary() throws {
        let osmem = try OsmemServer()
        defer { osmem.stop() }
        let dir = try temporaryDirectory("lb-ilc"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let tee = try InfoLoggerServerStub()
        defer { tee.stop() }
        let stream = try LineServer()
        defer { stream.stop() }
        let serverPort = freePort(), downPort = freePort(), deadTee = freePort(), metricsPort = freePort()
        let ship = try ShipProcess(directory: dir, yaml: """
            state_dir: \(dir)/state
            logging: {level: info}
            metrics: {listen: "127.0.0.1:\(metricsPort)"}
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 200, max_bytes: 1MiB, flush_interval: 100ms}
            inputs:
              - type: infologger
                id: il-server
                listen: 127.0.0.1:\(serverPort)
                tee: 127.0.0.1:\(tee.port)
              - type: infologger
                id: il-teedown
                listen: 127.0.0.1:\(downPort)
                tee: 127.0.0.1:\(deadTee)
                tee_queue: 5
              - type: infologger
                id: il-stream
                mode: stream
                connect: 127.0.0.1:\(stream.port)
                reconnect_max_backoff: 1s
            """)
        defer { ship.kill() }

        let good = (0..<20).map { counterRecord("good \($0)") }
        let peer = InfoLoggerDaemonPeer(port: serverPort)
        try peer.connect(timeout: 20)
        try peer.send(records: good + ["not an infologger record"])
        #expect(try peer.waitAllAcknowledged(timeout: 20))
        let junk = try InfoLoggerDaemonPeer.connect(port: serverPort)
        try junk.write(Array("GET /metrics HTTP/1.1\r\n\r\n".utf8))
        #expect(junk.serverClosed(timeout: 5))

        let downPeer = try InfoLoggerDaemonPeer.connect(port: downPort, timeout: 20)
        try downPeer.send(records: (0..<12).map { counterRecord("tee down \($0)") })
        #expect(try downPeer.waitAllAcknowledged(timeout: 20))

        // The stream server sends 3 lines and hangs up; LogBridge reconnects (a gap) and gets 2 more.
        #expect(stream.serve(lines: (0..<3).map { counterRecord("stream first \($0)") }, thenClose: true, timeout: 20))
        #expect(stream.serve(lines: (0..<2).map { counterRecord("stream second \($0)") }, thenClose: false, timeout: 20))

        #expect(tee.waitForFrames(21, timeout: 20))
        var m: [String: Double] = [:]
        let deadline = Date().addingTimeInterval(20)
        repeat {
            m = prometheusSamples(port: metricsPort)
            if m["logbridge_infologger_tee_forwarded_total/il-server"] == 21, m["logbridge_infologger_messages_total/il-stream"] == 5 { break }
            usleep(200_000)
        } while Date() < deadline
        #expect(m["logbridge_infologger_messages_total/il-server"] == 21)
        #expect(m["logbridge_infologger_malformed_total/il-server"] == 1)
        #expect(m["logbridge_infologger_protocol_errors_total/il-server"] == 1)
        #expect(m["logbridge_infologger_connections_total/il-server"] == 2)
        #expect((m["logbridge_infologger_acks_sent_total/il-server"] ?? 0) >= 1)
        #expect(m["logbridge_infologger_tee_forwarded_total/il-server"] == 21)
        #expect(m["logbridge_infologger_tee_dropped_total/il-server"] == 0)
        // The tee is down: 5 wait in its queue, the other 7 are dropped for the tee only.
        #expect(m["logbridge_infologger_messages_total/il-teedown"] == 12)
        #expect(m["logbridge_infologger_tee_dropped_total/il-teedown"] == 7)
        #expect(m["logbridge_infologger_tee_forwarded_total/il-teedown"] == 0)
        #expect(m["logbridge_infologger_stream_gaps_total/il-stream"] == 1)
        #expect(m["logbridge_infologger_connections_total/il-stream"] == 2)
        #expect(m["logbridge_infologger_messages_total/il-stream"] == 5)
        #expect(m["logbridge_infologger_acks_sent_total/il-stream"] == 0)
        #expect(m["logbridge_input_malformed_total/il-server"] == 1)

        // Every message reached the cluster, tee or no tee.
        #expect(waitForCount(osmem, "logs-infologger-*", 38, timeout: 30) == 38)
        let summary = ship.stop()
        #expect(summary["infologger_messages"] == 38, "\(summary)")
        #expect(summary["infologger_malformed"] == 1)
        #expect(summary["infologger_protocol_errors"] == 1)
        #expect(summary["infologger_connections"] == 5)
        #expect(summary["infologger_gaps"] == 1)
        #expect(summary["infologger_tee_forwarded"] == 21)
        #expect(summary["infologger_tee_dropped"] == 7)
        #expect((summary["infologger_acks"] ?? 0) >= 2)
        #expect(summary["indexed"] == 38 && summary["failed"] == 0)
    }

    /// `tee:` — what infoLoggerD sends reaches the real infoLoggerServer byte for byte (the record as framed,
    /// `#`, tabs, backslashes and UTF-8 untouched), under LogBridge's own `INI` and ids, and every message the
    /// cluster got was forwarded.
    @Test("tee forwards every shipped message byte-exactly to an infoLoggerServer")
    func teeForwardsByteExactly() throws {
        let osmem = try OsmemServer()
        defer { osmem.stop() }
        let dir = try temporaryDirectory("lb-ilt"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let tee = try InfoLoggerServerStub()
        defer { tee.stop() }
        let port = freePort()
        let ship = try ShipProcess(directory: dir, yaml: """
            state_dir: \(dir)/state
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 500, max_bytes: 1MiB, flush_interval: 100ms}
            inputs:
              - type: infologger
                id: il
                listen: 127.0.0.1:\(port)
                tee: 127.0.0.1:\(tee.port)
            """)
        defer { ship.kill() }
        let n = 1500
        let odd = ["tab\there", #"back\slash"#, "UTF-8 µs ✓ Ωmega", "hash # inside ## twice", "trailing space ", ""]
        let records = (0..<n).map { i in counterRecord("tee \(i) \(odd[i % odd.count])", host: "flp\(100 + i % 7)") }
        let peer = InfoLoggerDaemonPeer(port: port)
        try peer.connect(timeout: 20)
        try peer.send(records: Array(records[..<700]))
        try peer.send(records: Array(records[700...]), segmented: false)
        #expect(try peer.waitAllAcknowledged(timeout: 30))

        #expect(tee.waitForFrames(n, timeout: 30))
        #expect(tee.errors.isEmpty, "\(tee.errors)")
        let frames = tee.frames
        #expect(frames.map(\.record) == records.map { Array($0.utf8) }, "in order, byte for byte")
        #expect(tee.hellos == ["INI logbridge 1"])
        #expect(frames.map(\.minID) == (1...UInt64(n)).map { $0 })
        #expect(Set(frames.map(\.majID)) == [1] && Set(frames.map(\.source)) == ["logbridge"])

        #expect(waitForCount(osmem, "logs-infologger-*", n, timeout: 60) == n)
        let shipped = try osmem.documents("logs-infologger-*", size: n + 10).compactMap { $0.source["message"] as? String }
        let forwarded = Set(frames.map { String(decoding: $0.record, as: UTF8.self).split(separator: "#", maxSplits: 16, omittingEmptySubsequences: false).last.map(String.init) ?? "?" })
        #expect(shipped.count == n && Set(shipped) == forwarded, "every document in the cluster was also forwarded")
        let summary = ship.stop()
        #expect(summary["infologger_tee_forwarded"] == n && summary["infologger_tee_dropped"] == 0, "\(summary)")
    }

    /// A tee that hangs (accepts, reads, never acknowledges) or is down never slows or stops what goes to the
    /// cluster: ACKs to infoLoggerD keep coming, everything is indexed, and past `tee_queue` messages are dropped
    /// for the tee only and counted. When the down one comes back, what waited in the queue is delivered.
    @Test("a hung or down tee neither blocks nor loses shipping; its overflow is counted; the queue drains when it returns")
    func teeDownOrHung() throws {
        let osmem = try OsmemServer()
        defer { osmem.stop() }
        let dir = try temporaryDirectory("lb-ilh"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let hung = try InfoLoggerServerStub(ackPolicy: .never)
        defer { hung.stop() }
        let hungInput = freePort(), downInput = freePort(), downTee = freePort(), metricsPort = freePort()
        let ship = try ShipProcess(directory: dir, yaml: """
            state_dir: \(dir)/state
            metrics: {listen: "127.0.0.1:\(metricsPort)"}
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 1000, max_bytes: 2MiB, flush_interval: 100ms}
            inputs:
              - type: infologger
                id: il-hung
                listen: 127.0.0.1:\(hungInput)
                tee: 127.0.0.1:\(hung.port)
                tee_queue: 100
              - type: infologger
                id: il-down
                listen: 127.0.0.1:\(downInput)
                tee: 127.0.0.1:\(downTee)
                tee_queue: 50
            """)
        defer { ship.kill() }
        let n = 3000
        // Large records, so the hung server's socket buffers fill and the tee's own send blocks too.
        let pad = String(repeating: "x", count: 2000)
        let hungPeer = InfoLoggerDaemonPeer(port: hungInput)
        try hungPeer.connect(timeout: 20)
        let downPeer = InfoLoggerDaemonPeer(port: downInput)
        try downPeer.connect(timeout: 20)
        let started = Date()
        for chunk in stride(from: 0, to: n, by: 500) {
            try hungPeer.send(records: (chunk..<(chunk + 500)).map { counterRecord("hung \($0) \(pad)") })
            try downPeer.send(records: (chunk..<(chunk + 500)).map { counterRecord("down \($0)") })
            #expect(try hungPeer.waitAllAcknowledged(timeout: 20))
            #expect(try downPeer.waitAllAcknowledged(timeout: 20))
        }
        let ackSeconds = Date().timeIntervalSince(started)
        #expect(ackSeconds < 20, "infoLoggerD waited \(ackSeconds) s for its ACKs")
        #expect(waitForCount(osmem, "logs-infologger-*", 2 * n, timeout: 60) == 2 * n)

        var m = prometheusSamples(port: metricsPort)
        // Nothing is ever acknowledged by either tee: the queue holds tee_queue messages, the rest is dropped.
        #expect(m["logbridge_infologger_tee_dropped_total/il-hung"] == Double(n - 100))
        #expect(m["logbridge_infologger_tee_forwarded_total/il-hung"] == 0)
        #expect(m["logbridge_infologger_tee_dropped_total/il-down"] == Double(n - 50))
        #expect(m["logbridge_infologger_messages_total/il-hung"] == Double(n))
        #expect(m["logbridge_infologger_messages_total/il-down"] == Double(n))
        #expect(hung.waitForFrames(1, timeout: 5), "the hung server did get frames")

        // The down tee comes back on its port: the 50 queued messages (the first 50 sent) are delivered.
        let back = try InfoLoggerServerStub(port: downTee)
        defer { back.stop() }
        #expect(back.waitForFrames(50, timeout: 40))
        #expect(back.records.map { String(decoding: $0, as: UTF8.self) } == (0..<50).map { counterRecord("down \($0)") })
        let deadline = Date().addingTimeInterval(10)
        repeat {
            m = prometheusSamples(port: metricsPort)
            if m["logbridge_infologger_tee_forwarded_total/il-down"] == 50 { break }
            usleep(100_000)
        } while Date() < deadline
        #expect(m["logbridge_infologger_tee_forwarded_total/il-down"] == 50)
        _ = ship.stop()
    }
}

private func counterRecord(_ message: String, host: String = "flp001") -> String {
    "*1.4#I#6#1795912022.760665#\(host)#readout#4242#flp#FLP#readout#TPC#PHYSICS_1#551234###Readout.cxx#\(message)"
}

private func waitForCount(_ osmem: OsmemServer, _ index: String, _ expected: Int, timeout: Double) -> Int {
    var count = -1
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        count = (try? osmem.count(index)) ?? -1
        if count >= expected { break }
        usleep(200_000)
    }
    usleep(500_000)   // a late duplicate would show up now
    return (try? osmem.count(index)) ?? count
}

/// `/metrics` as `name/input` → value (samples without an input label are left out), fetched with curl.
private func prometheusSamples(port: Int) -> [String: Double] {
    guard let text = try? runCommand("/usr/bin/curl", ["-s", "-m", "3", "http://127.0.0.1:\(port)/metrics"]).stdout else { return [:] }
    var samples: [String: Double] = [:]
    for row in text.split(separator: "\n") where !row.hasPrefix("#") {
        guard let brace = row.firstIndex(of: "{"), let input = row.firstMatch(of: /input="([^"]*)"/)?.1,
              let value = row.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
        samples["\(row[..<brace])/\(input)"] = value
    }
    return samples
}

/// `logbridge ship` with a configuration, stdout and stderr collected in files (so nothing blocks on a pipe);
/// `stop()` sends SIGTERM and parses the final `summary:` line.
private final class ShipProcess {
    let process: Process
    let directory: String

    init(directory: String, yaml: String) throws {
        self.directory = directory
        try yaml.write(toFile: directory + "/logbridge.yaml", atomically: true, encoding: .utf8)
        process = try startLogbridge(["ship", "--config", directory + "/logbridge.yaml"],
                                     stdout: outputFile(directory + "/stdout"), stderr: outputFile(directory + "/stderr"))
    }

    var stderr: String { (try? String(contentsOfFile: directory + "/stderr", encoding: .utf8)) ?? "" }

    func stop() -> [String: Int] {
        Glibc.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return shipSummary(fromOutput: (try? String(contentsOfFile: directory + "/stdout", encoding: .utf8)) ?? "")
    }

    func kill() { if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
}

/// infoLoggerServer's online port (6102) as the stream input sees it: one subscriber at a time gets lines;
/// the test decides when to hang up.
private final class LineServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init() throws {
        (listener, port) = try listenOnLoopback(backlog: 4, what: "line server")
    }

    private var client: Int32 = -1

    /// Waits for a subscriber (unless one is connected), writes the lines, and hangs up if asked.
    func serve(lines: [String], thenClose: Bool, timeout: Double) -> Bool {
        if client < 0 {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(timeout * 1000)) > 0 else { return false }
            client = accept(listener, nil, nil)
            guard client >= 0 else { return false }
        }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        let sent = bytes.withUnsafeBytes { send(client, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        if thenClose { usleep(300_000); close(client); client = -1 }
        return sent == bytes.count
    }

    func stop() { if client >= 0 { close(client) }; close(listener) }
}
