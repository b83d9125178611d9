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

/// Syslog over TCP (RFC 5424, newline framing): each round connects once LogBridge listens, sends its
/// messages and closes. TCP syslog has no acknowledgement, so nothing is ever re-sent: what LogBridge read
/// from the socket is in its spool (page cache, which a SIGKILL does not lose); what sat unread in the
/// kernel's socket buffer at the kill is the loss window (docs/reliability.md). The round sends right after
/// connecting and the kill comes ≥ 100 ms later, so the buffer has been read by then.
final class SyslogTCPFeed: CrashFeed {
    let id: String
    let port: Int
    let perRound: Int
    private(set) var expected: Set<String> = []

    init(id: String, perRound: Int) {
        self.id = id
        port = freePort()
        self.perRound = perRound
    }

    var inputYAML: [String] { ["  - type: syslog", "    id: \(id)", "    listen: [\"tcp://127.0.0.1:\(port)\"]"] }
    var needsRunningShipper: Bool { true }

    func feed(round: Int) throws {
        let fd = try connectWhenListening()
        defer { close(fd) }
        var text = ""
        var sent: [String] = []
        for i in (round * perRound)..<((round + 1) * perRound) {
            let message = "\(id)-\(i)"
            text += "<13>1 2026-11-29T00:00:00.\(String(format: "%06d", i))Z flp001 readout 42 - - \(message)\n"
            sent.append(message)
        }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestError("syslog send failed: \(String(cString: strerror(errno)))") }
            off += n
        }
        expected.formUnion(sent)
    }

    private func connectWhenListening() throws -> Int32 {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = FaultProxy.loopback(port)
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
