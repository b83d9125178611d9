import Foundation
import Testing
import TestSupport

/// Issue 12, D2–D5: hostile or careless clients of the listeners (syslog TCP, InfoLogger server mode, the
/// metrics endpoint) must not exhaust the shipper's memory, threads, descriptors or CPU, nor lock out a
/// sender that has something to say. Loopback only, bounded in count and time; `make soak` runs the
/// issue's sizes (50 flooding connections, 600 × 1 MiB frames, 2,000 and 1,100 idle connections).
@Suite(.serialized) struct HostileClientTests {
    /// D2: 2-byte lines (each a ~500-byte record in memory) from many connections while the cluster is down
    /// and the spool full. Before the budget, a connection paused only after a 16-read burst: 20 connections
    /// took the process to ~560 MB, 50 to 1.36 GB.
    @Test func syslogMemoryBudgetHoldsAgainstTinyLinesWithTheSpoolFull() throws {
        let flooders = Soak.scale(20, 50)
        let seconds = Soak.scale(8.0, 20.0)
        let syslogPort = freePort(), metricsPort = freePort()
        let shipper = try HostileShipper(clusterURL: "http://127.0.0.1:\(freePort())", metricsPort: metricsPort, inputs: """
              - type: syslog
                id: flood
                listen: tcp://127.0.0.1:\(syslogPort)
                spool: {max_bytes: 16MiB, segment_bytes: 1MiB, when_full: block}
            """)
        defer { shipper.stop() }
        try shipper.waitListening(syslogPort)

        let flood = Flood(port: syslogPort, connections: flooders)
        var peakKB = 0
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            flood.pump(for: 0.1)
            peakKB = max(peakKB, shipper.status("VmRSS"))
        }
        peakKB = max(peakKB, shipper.status("VmHWM"))
        let metrics = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        flood.reset()
        print("measured D2: \(flooders) connections of 2-byte lines for \(seconds) s, \(flood.sentBytes >> 20) MiB sent: peak RSS \(peakKB / 1024) MB")

        #expect(flood.sentBytes > 4 << 20, "the flood must be large enough to matter (sent \(flood.sentBytes) bytes)")
        #expect(peakKB > 0 && peakKB < 160 * 1024, "peak RSS \(peakKB / 1024) MB with \(flooders) connections of 2-byte lines")
        let labels = #"listener="flood",type="syslog""#
        #expect((metric(metrics, "logbridge_listener_budget_pauses_total", labels: labels) ?? 0) >= 1, "\(metrics)")
        // At most max_buffered (1 MiB) plus what the connections that were mid-read handed over (64 KiB each).
        let buffered = metric(metrics, "logbridge_listener_buffered_bytes", labels: labels) ?? -1
        #expect(buffered >= 0 && buffered <= Double((1 << 20) + flooders * (64 << 10) + (64 << 10)), "buffered \(buffered)")
        #expect(metric(metrics, "logbridge_listener_connections", labels: labels) == Double(flooders))
    }

    /// D5 and the idle timeout: idle connections fill max_connections; a real sender still gets every line in
    /// (the longest-idle connection makes room), refusals and evictions are counted, and the idle ones are
    /// closed after idle_timeout. Before: the 1,025th sender was reset and 0 of its 1,000 lines arrived.
    @Test func idleSyslogConnectionsCannotLockOutARealSender() throws {
        let osmem = try OsmemServer()
        let idle = Soak.scale(300, 1100)
        let cap = Soak.scale(200, 1024)
        let syslogPort = freePort(), metricsPort = freePort()
        let shipper = try HostileShipper(clusterURL: osmem.url, metricsPort: metricsPort, inputs: """
              - type: syslog
                id: farm
                listen: tcp://127.0.0.1:\(syslogPort)
                max_connections: \(cap)
                max_connections_per_address: \(cap)
                idle_timeout: 4s
            """)
        defer { shipper.stop() }
        try shipper.waitListening(syslogPort)

        let sockets = openConnections(syslogPort, count: idle)
        defer { sockets.forEach { close($0) } }
        sleep(2)   // every idle connection is now idle for more than the 1 s eviction needs

        let lines = 1000
        let sender = try connectLoopback(syslogPort)
        var payload = ""
        for i in 0..<lines { payload += "<13>1 2026-11-29T00:00:00Z realhost app - - - real-\(i)\n" }
        #expect(sendAll(sender, Array(payload.utf8)), "the real sender's connection must stay open")
        close(sender)

        #expect(eventually(60) { (try? osmem.count("logs-*")) ?? 0 >= lines }, "delivered \((try? osmem.count("logs-*")) ?? -1)")
        let messages = Set(try osmem.allDocuments("logs-*").compactMap { $0.source["message"] as? String })
        #expect(messages == Set((0..<lines).map { "real-\($0)" }))
        print("measured D5: \(idle) idle connections (max_connections \(cap)), real sender: \(messages.count)/\(lines) lines delivered")

        let labels = #"listener="farm",type="syslog""#
        let before = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        #expect((metric(before, "logbridge_listener_connections_evicted_total", labels: labels) ?? 0) >= 1, "\(before)")
        let refused = (metric(before, "logbridge_listener_connections_refused_total", labels: labels + #",reason="max_connections""#) ?? 0)
            + (metric(before, "logbridge_listener_connections_refused_total", labels: labels + #",reason="max_connections_per_address""#) ?? 0)
        let accepted = metric(before, "logbridge_listener_connections_accepted_total", labels: labels) ?? 0
        #expect(refused + accepted >= Double(idle + 1), "every connection is accepted or counted as refused: \(before)")

        // idle_timeout: 4 s after their last byte every idle connection is gone.
        #expect(eventually(10) {
            metric(httpGet(port: metricsPort, "/metrics")?.body ?? "", "logbridge_listener_connections", labels: labels) == 0
        })
        let after = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        #expect((metric(after, "logbridge_listener_connections_idle_closed_total", labels: labels) ?? 0) >= Double(min(idle, cap) - 1))
    }

    /// D3: InfoLogger server mode. Connections that each hold an unfinished 1 MiB frame, and idle ones,
    /// beside a real infoLoggerD whose every message must be acknowledged and indexed once. Before: 600
    /// unfinished frames took 913 MB, 2,000 idle connections 2,011 threads.
    @Test func infoLoggerServerHoldsAgainstUnfinishedFramesAndIdleConnections() throws {
        let osmem = try OsmemServer()
        let holders = Soak.scale(100, 600)
        let idle = Soak.scale(700, 2000)
        let port = freePort(), metricsPort = freePort()
        let shipper = try HostileShipper(clusterURL: osmem.url, metricsPort: metricsPort, inputs: """
              - type: infologger
                id: il
                mode: server
                listen: 127.0.0.1:\(port)
            """)
        defer { shipper.stop() }
        try shipper.waitListening(port)

        // Each holder announces a 1 MiB frame and sends all of it but the last bytes.
        let body = [UInt8](repeating: 0x41, count: (1 << 20) - 64)
        let header = Array("INI hostile 0\nFile src 1 1 \(1 << 20)\n".utf8)
        var holding: [Int32] = []
        for _ in 0..<holders {
            guard let fd = try? connectLoopback(port) else { continue }
            holding.append(fd)
            sendSome(fd, header + body, within: 0.05)
        }
        defer { holding.forEach { close($0) } }
        let peakAfterFrames = shipper.status("VmHWM")

        let idleSockets = openConnections(port, count: idle)
        defer { idleSockets.forEach { close($0) } }
        sleep(2)
        let threads = shipper.status("Threads")

        let peer = InfoLoggerDaemonPeer(port: port)
        try peer.connect(timeout: 10)
        let records = infoLoggerRecords("real", 300)
        try peer.send(records)
        #expect(try peer.waitAllAcknowledged(timeout: 30), "the real infoLoggerD is acknowledged")
        peer.disconnect()
        #expect(eventually(60) { (try? osmem.count("logs-*")) ?? 0 >= records.count })
        let messages = try osmem.allDocuments("logs-*").compactMap { $0.source["message"] as? String }
        #expect(messages.count == records.count && Set(messages) == Set((0..<records.count).map { "real-\($0)" }))

        let peak = max(peakAfterFrames, shipper.status("VmHWM"))
        print("measured D3: \(holders) unfinished 1 MiB frames, \(idle) idle: peak RSS \(peak / 1024) MB, \(threads) threads")
        #expect(peak > 0 && peak < 160 * 1024, "peak RSS \(peak / 1024) MB with \(holders) unfinished 1 MiB frames")
        #expect(threads > 0 && threads < 512 + 40, "\(threads) threads with \(idle) idle connections (max_connections 512)")
        let text = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        let labels = #"listener="il",type="infologger""#
        #expect((metric(text, "logbridge_listener_budget_pauses_total", labels: labels) ?? 0) >= 1, "\(text)")
        #expect((metric(text, "logbridge_listener_buffered_bytes", labels: labels) ?? .infinity) <= Double(32 << 20))
        #expect((metric(text, "logbridge_listener_connections_evicted_total", labels: labels) ?? 0) >= 1)
    }

    /// D4: at systemd's default soft limit the InfoLogger accept loop used to spin on EMFILE (168 % CPU,
    /// `/metrics` unreachable, no ACKs). Now the connections stay below the descriptor limit, the process
    /// stays quiet, `/metrics` answers and a real infoLoggerD gets its ACKs.
    @Test func descriptorLimitIsNotASpin() throws {
        let osmem = try OsmemServer()
        let limit = Soak.scale(256, 1024)
        let idle = Soak.scale(300, 1100)
        let port = freePort(), metricsPort = freePort()
        let shipper = try HostileShipper(clusterURL: osmem.url, metricsPort: metricsPort, launcher: ["/usr/bin/prlimit", "--nofile=\(limit):\(limit)", "--"],
                                         inputs: """
              - type: infologger
                id: il
                mode: server
                listen: 127.0.0.1:\(port)
                max_connections: 5000
                max_connections_per_address: 5000
            """)
        defer { shipper.stop() }
        try shipper.waitListening(port)
        #expect(shipper.process.stderr.contains("open file limit"), "the start-up log says what limit it got")

        let sockets = openConnections(port, count: idle)
        defer { sockets.forEach { close($0) } }
        sleep(2)
        let cpuBefore = shipper.cpuSeconds()
        sleep(3)
        let cpu = (shipper.cpuSeconds() - cpuBefore) / 3
        print("measured D4: \(idle) idle connections at a \(limit)-descriptor limit: CPU \(Int(cpu * 100)) %")
        #expect(cpuBefore > 0 && cpu < 0.2, "CPU \(Int(cpu * 100)) % with \(idle) idle connections at a \(limit)-descriptor limit")
        #expect(httpGet(port: metricsPort, "/metrics")?.status == 200, "/metrics answers")

        let peer = InfoLoggerDaemonPeer(port: port)
        try peer.connect(timeout: 10)
        let records = infoLoggerRecords("fd", 100)
        try peer.send(records)
        #expect(try peer.waitAllAcknowledged(timeout: 30))
        #expect(eventually(60) { (try? osmem.count("logs-*")) ?? 0 >= records.count })
        #expect(try osmem.count("logs-*") == records.count)
        let text = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        let labels = #"listener="il",type="infologger""#
        let open = metric(text, "logbridge_listener_connections", labels: labels) ?? .infinity
        #expect(open <= Double(limit - 64), "connections stay below the descriptor limit minus the reserve: \(open)")
        #expect((metric(text, "logbridge_listener_connections_evicted_total", labels: labels) ?? 0) >= 1, "\(text)")
    }

    /// The metrics endpoint: idle connections cannot hold it; a scrape still answers.
    @Test func metricsEndpointSurvivesIdleConnections() throws {
        let metricsPort = freePort(), syslogPort = freePort()
        let shipper = try HostileShipper(clusterURL: "http://127.0.0.1:\(freePort())", metricsPort: metricsPort, inputs: """
              - type: syslog
                id: quiet
                listen: tcp://127.0.0.1:\(syslogPort)
            """)
        defer { shipper.stop() }
        try shipper.waitListening(syslogPort)
        let sockets = openConnections(metricsPort, count: 100)
        defer { sockets.forEach { close($0) } }
        sleep(2)
        let text = httpGet(port: metricsPort, "/metrics")
        #expect(text?.status == 200)
        let labels = #"listener="metrics",type="metrics""#
        #expect((metric(text?.body ?? "", "logbridge_listener_connections_evicted_total", labels: labels) ?? 0) >= 1, "\(text?.body ?? "")")
        #expect((metric(text?.body ?? "", "logbridge_listener_connections", labels: labels) ?? .infinity) <= 64)
    }
}

/// `logbridge ship` with listening inputs, its metrics endpoint and /proc figures.
final class HostileShipper {
    let process: ShipperProcess

    init(clusterURL: String, metricsPort: Int, launcher: [String] = [], inputs: String) throws {
        process = try ShipperProcess(.init(clusterURL: clusterURL, inputs: []))
        process.launcher = launcher
        try process.writeRawConfig("""
            state_dir: \(process.stateDirectory)
            logging: {level: info}
            shutdown_timeout: 2s
            metrics: {listen: 127.0.0.1:\(metricsPort)}
            output:
              hosts: ["\(clusterURL)"]
              compression: none
              request_timeout: 2s
              connect_timeout: 1s
              batch: {max_docs: 500, max_bytes: 1MiB, flush_interval: 100ms}
              retry: {initial_backoff: 50ms, max_backoff: 500ms}
            inputs:
            \(inputs)

            """)
        try process.start()
    }

    var pid: Int32 {
        // Under a launcher (prlimit execs), the process keeps its pid.
        process.process?.processIdentifier ?? -1
    }

    func waitListening(_ port: Int) throws {
        guard eventually(30, { canConnect(port) }) else {
            throw TestError("nothing listens on \(port); stderr:\n\(process.stderr.suffix(3000))")
        }
    }

    /// A field of /proc/<pid>/status in kB (VmRSS, VmHWM) or a count (Threads); 0 when gone.
    func status(_ key: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            return Int(line.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
        }
        return 0
    }

    /// User plus system CPU seconds so far.
    func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        process.signal(SIGTERM)
        _ = try? process.wait(timeout: 20)
        process.remove()
    }
}

/// Connections that write 2-byte syslog lines as fast as the receiver takes them (non-blocking).
final class Flood {
    private var sockets: [Int32] = []
    private let chunk = [UInt8](repeating: 0, count: 64 << 10).enumerated().map { $0.offset % 2 == 0 ? 0x61 : 0x0A }
    private(set) var sentBytes = 0

    init(port: Int, connections: Int) {
        raiseOwnFileLimit()
        for _ in 0..<connections {
            guard let fd = try? connectLoopback(port) else { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            sockets.append(fd)
        }
    }

    func pump(for seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            var wrote = false
            for fd in sockets {
                let n = chunk.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                if n > 0 { sentBytes += n; wrote = true }
            }
            if !wrote { usleep(5_000) }
        }
    }

    /// Closes with a reset, so what the kernel still holds for the shipper is discarded.
    func reset() {
        for fd in sockets {
            var l = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
            close(fd)
        }
        sockets = []
    }
}

func connectLoopback(_ port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = loopbackAddress(port)
    let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard rc == 0 else { close(fd); throw TestError("connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
    return fd
}

func canConnect(_ port: Int) -> Bool {
    guard let fd = try? connectLoopback(port) else { return false }
    close(fd)
    return true
}

/// `count` connections that send nothing (those the listener refuses are closed by it; they stay in the list).
func openConnections(_ port: Int, count: Int) -> [Int32] {
    raiseOwnFileLimit()
    return (0..<count).compactMap { _ in try? connectLoopback(port) }
}

/// The test process holds as many sockets as the shipper under test: its soft limit goes to the hard one.
func raiseOwnFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// Writes what the socket takes within `seconds`, without blocking longer.
func sendSome(_ fd: Int32, _ bytes: [UInt8], within seconds: Double) {
    var done = 0
    let end = Date().addingTimeInterval(seconds)
    while done < bytes.count && Date() < end {
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        if n > 0 { done += n } else if n < 0 && errno != EAGAIN && errno != EINTR { return } else { usleep(1_000) }
    }
}

/// InfoLogger records whose messages are `tag-0`, `tag-1`, …
func infoLoggerRecords(_ tag: String, _ count: Int) -> [String] {
    (0..<count).map { i in
        "*1.4#I#6#1795912022.\(String(format: "%06d", i))#flp001#readout#4242#flp#FLP#readout#TPC#PHYSICS_1#551234###Readout.cxx#\(tag)-\(i)"
    }
}

/// Writes everything (blocking); false when the peer closed or reset.
func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL)) }
        if n <= 0 { if n < 0 && errno == EINTR { continue }; return false }
        done += n
    }
    return true
}
