import Foundation
import Synchronization
import Testing
import TestSupport

/// The whole state directory (spool and checkpoints) on a real 2 MiB tmpfs that fills up while the cluster
/// is down and syslog keeps arriving over TCP. The shipper must stop reading instead of losing or crashing,
/// say so once in its log, and deliver everything exactly once when the cluster comes back — which needs the
/// spool to free space on a disk that is still full (the checkpoint that allows the deletion has to be
/// written there too).
@Suite(.serialized) struct DiskFullShipTests {
    @Test func fullStateDiskIsSurvivedWithBackPressureAndNothingIsLost() throws {
        let osmem = try OsmemServer()
        let proxy = try FaultProxy(upstreamPort: osmem.port)
        defer { proxy.stop() }
        let metricsPort = freePort()
        let port = freePort()
        let shipper = try ShipperProcess(.init(clusterURL: proxy.url, inputs: [], batchDocs: 200, metricsPort: metricsPort,
                                               shutdownTimeout: "10s"))
        let mounted = try TmpfsMount(at: shipper.stateDirectory, size: "2m")
        defer { shipper.kill9(); mounted.unmount(); shipper.remove() }
        try shipper.writeRawConfig(ShipperProcess.yaml(shipper.options, stateDirectory: shipper.stateDirectory) + """
          - type: syslog
            id: net
            listen: ["tcp://127.0.0.1:\(port)"]

        """)
        try shipper.start()

        // Well more than the spool (~2,700 on 2 MiB) plus the receiver's in-memory queue (1 MiB) can hold.
        let total = Soak.scale(15_000, 40_000)
        let warmUp = 50
        let sender = try SyslogSender(port: port, tag: "disk")
        try sender.send(0..<warmUp)
        #expect(try eventually(30) { try osmem.count("logs-*") == warmUp }, "\(shipper.stderr.suffix(2000))")

        proxy.goDown()
        let downAt = Date()
        let failure = Mutex<String?>(nil)
        let background = Thread {
            do { try sender.send(warmUp..<total) } catch { failure.withLock { $0 = "\(error)" } }
        }
        background.start()

        #expect(eventually(60) { shipper.stderr.contains("spool disk full") }, "\(shipper.stderr.suffix(2000))")
        let spoolBytes = { () -> Double in
            httpGet(port: metricsPort, "/metrics").flatMap { metric($0.body, "logbridge_spool_bytes", labels: #"input="net",type="syslog""#) } ?? -1
        }
        // Writing has stopped: the spool stands still while messages keep coming. (That the socket then stops being
        // read is `SyslogFileEndToEndTests.tcpBackPressure…`'s to prove; here the unread bytes are reported.)
        // At the stall, what the sender has handed to its kernel is in four places: the spool, LogBridge's socket
        // receive buffer (`unread`), the sender's own send buffer, and LogBridge's memory (the appender queue, at
        // most 1 MiB of encoded records plus the read that crossed the mark, and the batch waiting for space).
        // Measured by hand with a sender of 300,000, four runs: it stopped for good after 11,200–16,800, e.g.
        // 11,200 = 2,792 spooled + ~4,290 unread + ~960 in its send buffer + 3,208 in memory; RSS flat. So 15,000
        // here may all be taken in before the stall, and the socket found empty.
        var unread = 0
        var stalledSpool = 0.0
        var senderAtStall = 0
        let stopped = eventually(60) {
            let b = spoolBytes()
            usleep(1_500_000)
            unread = unreadSocketBytes(localPort: port)
            senderAtStall = sender.completed
            stalledSpool = spoolBytes()
            return stalledSpool == b && b > 0
        }
        #expect(stopped, "the spool should stand still while the disk is full (spool \(stalledSpool), unread \(unread) bytes, sender at \(senderAtStall) of \(total))")
        let diskFull = httpGet(port: metricsPort, "/metrics").flatMap {
            metric($0.body, "logbridge_spool_disk_full_events_total", labels: #"input="net",type="syslog""#)
        }
        #expect((diskFull ?? 0) > 0)
        #expect(shipper.process?.isRunning == true, "a full disk must not stop the shipper")
        let fullLines = shipper.stderr.split(separator: "\n").filter { $0.contains("spool disk full") }
        // Rate-limited (one line per 10 s, saying how many were suppressed), not one per retry.
        #expect(fullLines.count >= 1 && fullLines.count <= 2 + Int(Date().timeIntervalSince(downAt) / 10),
                "\(fullLines.count) disk-full lines for \(diskFull ?? 0) events")

        try proxy.comeBack()
        let delivered = try eventually(Soak.scale(180.0, 600.0)) { try osmem.count("logs-*") >= total }
        #expect(delivered, "\((try? osmem.count("logs-*")) ?? -1) of \(total); \(shipper.stderr.suffix(2000))")
        #expect(eventually(10) { sender.completed == total }, "sender: \(failure.withLock { $0 } ?? "still sending")")
        shipper.signal(SIGTERM)
        #expect(try shipper.wait(timeout: 30) == 0, "\(shipper.stderr.suffix(2000))")
        try expectExactlyOnce(osmem, expectedMessages("disk", 0..<total))
        print("[reliability] disk full: \(total) syslog messages through a 2 MiB state directory; spool stood at \(Int(stalledSpool)) bytes, \(unread) bytes unread in the socket, sender at \(senderAtStall) then; disk-full events \(Int(diskFull ?? 0))")
    }
}

/// RFC 5424 messages `<tag>-<n>` over one TCP connection, newline-framed, with a small send buffer so that
/// a receiver that stops reading stops the sender soon.
final class SyslogSender: @unchecked Sendable {
    private let fd: Int32
    private let tag: String
    private let lock = NSLock()
    private var sentUpTo = 0

    init(port: Int, tag: String) throws {
        self.tag = tag
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var small: Int32 = 32 << 10
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var addr = loopbackAddress(port)
        let deadline = Date().addingTimeInterval(10)
        while true {
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if ok == 0 { break }
            if Date() > deadline { throw TestError("syslog input never listened on \(port)") }
            usleep(20_000)
        }
    }

    /// Messages before this number are wholly in the kernel's hands.
    var completed: Int { lock.withLock { sentUpTo } }

    func send(_ range: Range<Int>) throws {
        var chunk: [UInt8] = []
        for i in range {
            chunk += Array("<13>1 2026-11-29T00:00:00.\(String(format: "%06d", i % 1_000_000))Z flp001 readout 42 - - \(tag)-\(i)\n".utf8)
            if chunk.count >= 16 << 10 || i == range.upperBound - 1 {
                try sendRaw(chunk)
                chunk.removeAll(keepingCapacity: true)
                lock.withLock { sentUpTo = i + 1 }
            }
        }
    }

    /// Any bytes, as they are (framing included).
    func sendRaw(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw TestError("syslog send failed: \(String(cString: strerror(errno)))") }
            off += n
        }
    }

    deinit { close(fd) }
}
