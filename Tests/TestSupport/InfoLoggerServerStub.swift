import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plays infoLoggerServer's port 6006 towards an infoLoggerD-like client (LogBridge's `tee`): answers any
/// `INI …` line with `READY`, parses `File <source> <minId> <majId> <size>` frames (size counts the trailing
/// NUL) and keeps every record byte for byte. `ackPolicy` decides whether it answers cumulative `ACK`s,
/// so a test can play a healthy server or one that accepts and reads but never acknowledges (hung MySQL).
public final class InfoLoggerServerStub: @unchecked Sendable {
    public enum AckPolicy: Sendable { case afterEveryRead, never }

    public struct Frame: Sendable, Equatable {
        public var source: String
        public var minID: UInt64
        public var majID: UInt64
        public var record: [UInt8]
    }

    public let port: Int
    private let ackPolicy: AckPolicy
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private var _frames: [Frame] = []
    private var _hellos: [String] = []
    private var _errors: [String] = []
    private var open: Set<Int32> = []
    private let done = DispatchGroup()

    /// Listens on `127.0.0.1:port` (0: any free port).
    public init(port: Int = 0, ackPolicy: AckPolicy = .afterEveryRead) throws {
        self.ackPolicy = ackPolicy
        (listener, self.port) = try listenOnLoopback(port: port, what: "infoLoggerServer stub")
        done.enter()
        Thread.detachNewThread { [self] in acceptLoop(); done.leave() }
    }

    deinit { stop() }

    /// Every frame received, in arrival order (a re-sent frame appears again).
    public var frames: [Frame] { lock.withLock { _frames } }
    /// The records, without the trailing NUL.
    public var records: [[UInt8]] { frames.map(\.record) }
    /// The `INI` lines, one per connection.
    public var hellos: [String] { lock.withLock { _hellos } }
    /// Anything that was not the protocol (the test should expect none).
    public var errors: [String] { lock.withLock { _errors } }

    /// Waits until at least `count` frames arrived; false at the timeout.
    public func waitForFrames(_ count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if lock.withLock({ _frames.count }) >= count { return true }
            usleep(20_000)
        }
        return lock.withLock { _frames.count } >= count
    }

    /// Closes the listener and every connection (the server goes away).
    public func stop() {
        let fds: [Int32]? = lock.withLock {
            guard !stopped else { return nil }
            stopped = true
            return Array(open)
        }
        guard let fds else { return }
        for fd in fds { shutdown(fd, Int32(SHUT_RDWR)) }
        shutdown(listener, Int32(SHUT_RDWR))
        done.wait()
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        defer { Glibc.close(listener) }
        while !isStopped {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { continue }
            let admitted = lock.withLock { () -> Bool in
                guard !stopped else { return false }
                open.insert(fd); return true
            }
            guard admitted else { Glibc.close(fd); return }
            done.enter()
            Thread.detachNewThread { [self] in
                serve(fd)
                lock.withLock { _ = open.remove(fd) }
                Glibc.close(fd)
                done.leave()
            }
        }
    }

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var greeted = false
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while !isStopped {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { return }
            buffer += chunk[..<n]
            var consumed = 0
            var lastID: (UInt64, UInt64)? = nil
            while let nl = buffer[consumed...].firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[consumed..<nl], as: UTF8.self)
                if !greeted {
                    lock.withLock { _hellos.append(line) }
                    greeted = true
                    consumed = nl + 1
                    guard send(fd, Array("READY\n".utf8)) else { return }
                    continue
                }
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count >= 5, parts[0] == "File", let size = Int(parts[parts.count - 1]),
                      let majID = UInt64(parts[parts.count - 2]), let minID = UInt64(parts[parts.count - 3]), size >= 1 else {
                    lock.withLock { _errors.append("bad header: \(line)") }
                    return
                }
                let bodyStart = nl + 1
                guard buffer.count >= bodyStart + size + 4 else { break }
                guard buffer[bodyStart + size - 1] == 0, Array(buffer[(bodyStart + size)..<(bodyStart + size + 4)]) == Array("END\n".utf8) else {
                    lock.withLock { _errors.append("frame \(minID): no NUL or no END after \(size) bytes") }
                    return
                }
                let frame = Frame(source: parts[1...(parts.count - 4)].joined(separator: " "), minID: minID, majID: majID,
                                  record: Array(buffer[bodyStart..<(bodyStart + size - 1)]))
                lock.withLock { _frames.append(frame) }
                lastID = (minID, majID)
                consumed = bodyStart + size + 4
            }
            buffer.removeFirst(consumed)
            if ackPolicy == .afterEveryRead, let (minID, majID) = lastID {
                guard send(fd, Array("ACK \(minID) \(majID)\n".utf8)) else { return }
            }
        }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) == $0.count }
    }
}
