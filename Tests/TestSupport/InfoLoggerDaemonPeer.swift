import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plays infoLoggerD towards an infoLoggerServer (or LogBridge in `server` mode), as the captures show it
/// (docs/infologger.md): `INI infoLoggerD 1`, nothing before `READY`, frames
/// `File infoLoggerD <minId> 1 <size>` + record + NUL + `END` pipelined without waiting, cumulative
/// `ACK <minId> <majId>`. Frames not yet acknowledged are kept and sent again with the same ids after every
/// reconnect; a daemon restart renumbers what is still queued from 1 (capture t7).
///
/// Not thread-safe: one test thread drives one peer.
public final class InfoLoggerDaemonPeer: @unchecked Sendable {
    public struct Frame: Sendable, Equatable {
        public var id: UInt64
        public var record: [UInt8]
        public init(id: UInt64, record: [UInt8]) { self.id = id; self.record = record }
    }

    public let host: String
    public let port: Int
    /// The name sent in `INI`; infoLoggerD sends its own name, the tee sends `logbridge`.
    public let clientName: String
    public private(set) var fd: Int32 = -1
    /// Sent or queued, not yet acknowledged, in id order.
    public private(set) var unacknowledged: [Frame] = []
    /// Every `ACK` minId received, in order (across connections).
    public private(set) var acksReceived: [UInt64] = []
    /// Highest id covered by a cumulative ACK on the current id sequence (reset by `restartDaemon`).
    public private(set) var lastAcknowledged: UInt64 = 0
    private var nextID: UInt64 = 1
    private var pending: [UInt8] = []

    public init(host: String = "127.0.0.1", port: Int, clientName: String = "infoLoggerD") {
        self.host = host; self.port = port; self.clientName = clientName
    }
    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Makes a peer and connects it (handshake done) in one call.
    public static func connect(host: String = "127.0.0.1", port: Int, timeout: Double = 5) throws -> InfoLoggerDaemonPeer {
        let peer = InfoLoggerDaemonPeer(host: host, port: port)
        try peer.connect(timeout: timeout)
        return peer
    }

    public var isConnected: Bool { fd >= 0 }

    /// Connects (retrying until `timeout`, the server may still be starting), does the handshake and re-sends
    /// every unacknowledged frame with its id. A live connection is dropped first.
    public func connect(timeout: Double = 5) throws {
        disconnect()
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            addr.sin_addr.s_addr = inet_addr(host)
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if rc == 0 { break }
            Glibc.close(fd); fd = -1
            guard Date() < deadline else { throw PeerError("cannot connect to \(host):\(port)") }
            usleep(50_000)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        pending.removeAll()
        try write(Array("INI \(clientName) 1\n".utf8))
        guard let line = try readLine(timeout: timeout), line == "READY" else { throw PeerError("no READY from \(host):\(port)") }
        if !unacknowledged.isEmpty { try write(unacknowledged.flatMap(Self.frameBytes)) }
    }

    /// The connection breaks and comes back: same as `connect`, named for what tests mean.
    public func reconnect(timeout: Double = 5) throws { try connect(timeout: timeout) }

    /// Queues and sends records as frames, pipelined (no wait for any ACK); returns their ids.
    /// `segmented`: each header goes in its own TCP segment a few ms before its body, as infoLoggerD's writes
    /// often arrive. While disconnected the frames are only queued (sent by the next `connect`).
    @discardableResult
    public func send(records: [String], segmented: Bool = false) throws -> [UInt64] {
        var ids: [UInt64] = []
        var out: [UInt8] = []
        for r in records {
            let frame = Frame(id: nextID, record: Array(r.utf8))
            nextID += 1
            unacknowledged.append(frame)
            ids.append(frame.id)
            guard isConnected else { continue }
            if segmented {
                let bytes = Self.frameBytes(frame)
                let headerEnd = bytes.firstIndex(of: 0x0A)! + 1
                try write(Array(bytes[..<headerEnd])); usleep(2000)
                try write(Array(bytes[headerEnd...]))
            } else {
                out += Self.frameBytes(frame)
            }
        }
        if !out.isEmpty { try write(out) }
        return ids
    }

    @discardableResult
    public func send(_ records: [String], segmented: Bool = false) throws -> [UInt64] {
        try send(records: records, segmented: segmented)
    }

    /// Reads ACK lines until a cumulative ACK covers `id`; false on timeout or a closed connection.
    public func waitAcknowledged(upTo id: UInt64, timeout: Double = 10) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while lastAcknowledged < id {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, let line = try readLine(timeout: left) else { return false }
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "ACK", let minID = UInt64(parts[1]), parts[2] == "1" else {
                throw PeerError("bad message from server: \(line)")
            }
            acksReceived.append(minID)
            lastAcknowledged = max(lastAcknowledged, minID)
            unacknowledged.removeAll { $0.id <= minID }   // cumulative
        }
        return true
    }

    /// Reads ACK lines until every frame sent so far is acknowledged; false on timeout or a closed connection.
    public func waitAllAcknowledged(timeout: Double = 10) throws -> Bool {
        guard let last = unacknowledged.last?.id else { return true }
        return try waitAcknowledged(upTo: last, timeout: timeout)
    }

    /// The connection breaks (network, server crash): nothing unacknowledged is forgotten.
    public func disconnect() { if fd >= 0 { Glibc.close(fd); fd = -1 } }
    public func close() { disconnect() }

    /// infoLoggerD restarted: the on-disk queue is kept but its ids start again at 1.
    public func restartDaemon() {
        disconnect()
        for i in unacknowledged.indices { unacknowledged[i].id = UInt64(i + 1) }
        nextID = UInt64(unacknowledged.count + 1)
        lastAcknowledged = 0
    }

    /// Raw bytes on the connection (hostile input, captured sessions).
    public func write(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw PeerError("send to \(host):\(port) failed: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    /// One `\n`-terminated line from the server, or nil at timeout / end of stream.
    public func readLine(timeout: Double) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, fd >= 0 else { return nil }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(left * 1000) + 1) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { return nil }
            pending += chunk[..<n]
        }
    }

    /// True once the server closed the connection (read returns 0 or an error), within `timeout`.
    public func serverClosed(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            if read(fd, &chunk, chunk.count) <= 0 { return true }
        }
        return false
    }

    /// The exact bytes infoLoggerD writes for one message: `size` counts the trailing NUL.
    public static func frameBytes(_ f: Frame) -> [UInt8] {
        Array("File infoLoggerD \(f.id) 1 \(f.record.count + 1)\n".utf8) + f.record + [0] + Array("END\n".utf8)
    }
}

public struct PeerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}
