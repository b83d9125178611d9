import Foundation
import Glibc

/// Plays infoLoggerD towards an infoLoggerServer, as the captures show it (docs/infologger.md):
/// `INI infoLoggerD 1`, nothing before `READY`, frames `File infoLoggerD <minId> 1 <size>` + record + NUL + `END`
/// pipelined without waiting, cumulative `ACK <minId> <majId>`; frames not yet acknowledged are kept and sent
/// again with the same ids after a reconnect; a daemon restart renumbers what is still queued from 1.
final class InfoLoggerDaemonPeer {
    struct Frame { var id: UInt64; var record: [UInt8] }

    let host: String
    let port: Int
    private(set) var fd: Int32 = -1
    /// Sent or queued, not yet acknowledged, in order.
    private(set) var unacknowledged: [Frame] = []
    private var nextID: UInt64 = 1
    private var pending: [UInt8] = []
    private(set) var acksReceived: [UInt64] = []

    init(host: String = "127.0.0.1", port: Int) { self.host = host; self.port = port }
    deinit { if fd >= 0 { close(fd) } }

    var isConnected: Bool { fd >= 0 }

    /// Connects, does the handshake and re-sends every unacknowledged frame with its id.
    func connect(timeout: Double = 5) throws {
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
            close(fd); fd = -1
            guard Date() < deadline else { throw PeerError("cannot connect to \(host):\(port)") }
            usleep(50_000)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        pending.removeAll()
        try write(Array("INI infoLoggerD 1\n".utf8))
        guard let line = try readLine(timeout: timeout), line == "READY" else { throw PeerError("no READY from server") }
        try write(unacknowledged.flatMap(Self.frameBytes))
    }

    /// Queues and sends records as frames, pipelined. `segmented`: each header in its own TCP segment, a few ms
    /// before its body, as infoLoggerD's writes often arrive.
    @discardableResult
    func send(_ records: [String], segmented: Bool = false) throws -> [UInt64] {
        var ids: [UInt64] = []
        var out: [UInt8] = []
        for r in records {
            let frame = Frame(id: nextID, record: Array(r.utf8))
            nextID += 1
            unacknowledged.append(frame)
            ids.append(frame.id)
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

    /// Reads ACK lines until every frame is acknowledged; false on timeout or a closed connection.
    func waitAllAcknowledged(timeout: Double = 10) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !unacknowledged.isEmpty {
            let left = deadline.timeIntervalSinceNow
            guard left > 0, let line = try readLine(timeout: left) else { return false }
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "ACK", let minID = UInt64(parts[1]), parts[2] == "1" else {
                throw PeerError("bad message from server: \(line)")
            }
            acksReceived.append(minID)
            unacknowledged.removeAll { $0.id <= minID }   // cumulative
        }
        return true
    }

    /// The connection breaks (network, server crash): nothing acknowledged is forgotten.
    func disconnect() { if fd >= 0 { close(fd); fd = -1 } }

    /// infoLoggerD restarted: the on-disk queue is kept but its ids start again at 1.
    func restartDaemon() {
        disconnect()
        for i in unacknowledged.indices { unacknowledged[i].id = UInt64(i + 1) }
        nextID = UInt64(unacknowledged.count + 1)
    }

    func write(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw PeerError("send failed: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    /// One `\n`-terminated line from the server, or nil at timeout / end of stream.
    func readLine(timeout: Double) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                return line
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(left * 1000) + 1) > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { return nil }
            pending += chunk[..<n]
        }
    }

    /// True once the server closed the connection (read returns 0 or an error), within `timeout`.
    func serverClosed(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            if read(fd, &chunk, chunk.count) <= 0 { return true }
        }
        return false
    }

    static func frameBytes(_ f: Frame) -> [UInt8] {
        Array("File infoLoggerD \(f.id) 1 \(f.record.count + 1)\n".utf8) + f.record + [0] + Array("END\n".utf8)
    }
}

struct PeerError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
