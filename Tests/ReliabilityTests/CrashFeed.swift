import Foundation
import TestSupport

/// A source of events for the crash test. Each kind of input is one feed; adding syslog over TCP or
/// InfoLogger is one more type here and one line in the test's list of feeds.
protocol CrashFeed: AnyObject {
    /// The `inputs:` entries this feed needs, as YAML lines indented for the list.
    var inputYAML: [String] { get }
    /// Hands the events of `round` to LogBridge (a new journal file; messages over a socket …).
    /// `shipper` is running, or about to be started for file-based feeds.
    func feed(round: Int) throws
    /// Whether `feed` needs the shipper running (network inputs) or must happen before it starts.
    var needsRunningShipper: Bool { get }
    /// Every message fed so far.
    var expected: Set<String> { get }
    /// Called once the last, undisturbed run has started: a sender that keeps what was not acknowledged
    /// (infoLoggerD) hands it over now.
    func settle() throws
}

extension CrashFeed {
    func settle() throws {}
}

/// journald: each round writes a new journal file into the watched directory.
final class JournalFeed: CrashFeed {
    let fixture: JournalFixture
    let id: String
    let perRound: Int
    private(set) var expected: Set<String> = []

    init(id: String, perRound: Int) throws {
        fixture = try JournalFixture()
        self.id = id
        self.perRound = perRound
    }

    var inputYAML: [String] { ["  - type: journald", "    id: \(id)", "    directory: \(fixture.directory)"] }
    var needsRunningShipper: Bool { false }

    func feed(round: Int) throws {
        let first = round * perRound
        try fixture.write(taggedEntries(id, count: perRound, from: first, bootSeed: 0xc000 + round), name: "round-\(round)")
        expected.formUnion(expectedMessages(id, first..<(first + perRound)))
    }

    deinit { fixture.remove() }
}

/// Syslog (RFC 5424) over TCP, newline-framed, or over UDP, one message per datagram. TCP: each round
/// connects once LogBridge listens, sends its messages and closes. TCP syslog has no acknowledgement, so
/// nothing is ever re-sent: what LogBridge read from the socket is in its spool (page cache, which a SIGKILL
/// does not lose); what sat unread in the kernel's socket buffer at the kill is the loss window
/// (docs/reliability.md). The round sends right after connecting and the kill comes ≥ 100 ms later, so the
/// buffer has been read by then.
final class SyslogFeed: CrashFeed {
    enum Transport: String { case tcp, udp }
    let id: String
    let port: Int
    let perRound: Int
    let transport: Transport
    private(set) var expected: Set<String> = []

    init(id: String, perRound: Int, transport: Transport = .tcp) {
        self.id = id
        port = freePort()
        self.perRound = perRound
        self.transport = transport
    }

    var inputYAML: [String] {
        ["  - type: syslog", "    id: \(id)", "    listen: [\"\(transport.rawValue)://127.0.0.1:\(port)\"]"]
    }
    var needsRunningShipper: Bool { true }

    func feed(round: Int) throws {
        let range = (round * perRound)..<((round + 1) * perRound)
        let lines = range.map { "<13>1 2026-11-29T00:00:00.\(String(format: "%06d", $0))Z flp001 readout 42 - - \(id)-\($0)" }
        switch transport {
        case .tcp: try sendStream(Array(lines.map { $0 + "\n" }.joined().utf8))
        case .udp: try lines.forEach { try Self.sendDatagram(Array($0.utf8), port: port) }
        }
        expected.formUnion(range.map { "\(id)-\($0)" })
    }

    private func sendStream(_ bytes: [UInt8]) throws {
        let fd = try connectWhenListening()
        defer { close(fd) }
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestError("syslog send failed: \(String(cString: strerror(errno)))") }
            off += n
        }
    }

    /// One datagram to 127.0.0.1:`port`.
    static func sendDatagram(_ bytes: [UInt8], port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = loopbackAddress(port)
        let n = withUnsafePointer(to: &addr) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard n == bytes.count else { throw TestError("udp send failed: \(String(cString: strerror(errno)))") }
        usleep(1000)  // a burst of datagrams on loopback is not what the tests are about
    }

    private func connectWhenListening() throws -> Int32 {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = loopbackAddress(port)
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if ok == 0 { return fd }
            close(fd)
            usleep(10_000)
        }
        throw TestError("syslog input never listened on \(port)")
    }
}

/// InfoLogger `server` mode, with the test suite's infoLoggerD peer: each round reconnects (re-sending every
/// frame it holds unacknowledged, with the same ids, as infoLoggerD does from its disk queue) and streams new
/// records in small bursts for about a second, so kills land while frames are in flight. An ACK comes
/// only once a record is on disk, so a kill at any moment loses nothing: what was not acknowledged comes
/// again and lands on the same `_id` (the id is the record's content).
final class InfoLoggerServerFeed: CrashFeed, @unchecked Sendable {
    let id: String
    let port: Int
    let perRound: Int
    let peer: InfoLoggerDaemonPeer
    private(set) var expected: Set<String> = []
    /// Frames sent again after a kill because their ACK never came.
    private(set) var resent = 0
    /// The peer belongs to the round's streaming thread until it signals this.
    private var streaming: DispatchSemaphore?

    init(id: String, perRound: Int) {
        self.id = id
        port = freePort()
        self.perRound = perRound
        peer = InfoLoggerDaemonPeer(port: port)
    }

    var inputYAML: [String] {
        ["  - type: infologger", "    id: \(id)", "    mode: server", "    listen: 127.0.0.1:\(port)"]
    }
    var needsRunningShipper: Bool { true }

    func feed(round: Int) throws {
        try takeOverPeer()
        let range = (round * perRound)..<((round + 1) * perRound)
        expected.formUnion(range.map { "\(id)-\($0)" })
        let done = DispatchSemaphore(value: 0)
        streaming = done
        let records = range.map(record)
        Thread { [peer] in
            defer { done.signal() }
            for start in stride(from: 0, to: records.count, by: 3) {
                // A failed write keeps the frames queued; the next round re-sends them.
                guard (try? peer.send(records: Array(records[start..<min(start + 3, records.count)]))) != nil else { continue }
                _ = try? peer.waitAcknowledged(upTo: UInt64.max, timeout: 0.1)
            }
        }.start()
    }

    func settle() throws {
        try takeOverPeer()
        guard try peer.waitAllAcknowledged(timeout: 60) else {
            throw TestError("infoLoggerD peer: \(peer.unacknowledged.count) frames never acknowledged")
        }
    }

    /// Waits for the previous round's stream, reads the ACKs still buffered from the killed LogBridge, and
    /// reconnects, which re-sends whatever is still unacknowledged.
    private func takeOverPeer() throws {
        streaming?.wait()
        streaming = nil
        if let last = peer.unacknowledged.last?.id { _ = try? peer.waitAcknowledged(upTo: last, timeout: 0.1) }
        peer.disconnect()
        resent += peer.unacknowledged.count
        try peer.reconnect(timeout: 10)
    }

    private func record(_ n: Int) -> String {
        "*1.4#I#6#\(1_795_912_022 + n / 1_000_000).\(String(format: "%06d", n % 1_000_000))#flp00\(n % 4)#readout#\(4000 + n % 7)#flp#FLP#readout#TPC#2rXyZ7abc#551234####\(id)-\(n)"
    }

    deinit { peer.close() }
}
