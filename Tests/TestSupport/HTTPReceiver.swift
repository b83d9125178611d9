import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 server standing in for Mattermost (which cannot run here): it records every request it
/// is sent and answers with the status (and body) the test sets, so a test can take it "down" (5xx) and bring
/// it back, or refuse what it is sent. Used for the alarm webhooks and `report --post`.
public final class HTTPReceiver: @unchecked Sendable {
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]
        public var at: Double
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }
    private let listener: Int32
    private let lock = NSLock()
    private var received: [Request] = []
    private var answer = 200
    private var answerBody = "{}"
    private var stopping = false
    private let done = DispatchGroup()

    public init() throws {
        (listener, port) = try listenOnLoopback(what: "http receiver")
        done.enter()
        Thread.detachNewThread { [self] in
            defer { done.leave() }
            while true {
                var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, 100) <= 0 {
                    if isStopping { return }
                    continue
                }
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { continue }
                Thread.detachNewThread { [self] in serve(fd) }
            }
        }
    }

    public var requests: [Request] { lock.lock(); defer { lock.unlock() }; return received }

    /// The status (and body) every following request is answered with (503: the receiver is "down").
    public func answer(with status: Int, body: String = "{}") {
        lock.lock(); answer = status; answerBody = body; lock.unlock()
    }

    public func stop() {
        lock.lock(); stopping = true; lock.unlock()
        done.wait()
        close(listener)
    }

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    /// Reads requests off one keep-alive connection until the client closes it.
    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return false }
            buffer += chunk[0..<n]
            return true
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            var headerEnd: Int?
            while headerEnd == nil {
                if buffer.count >= 4 {
                    headerEnd = (0...(buffer.count - 4)).first { buffer[$0..<($0 + 4)].elementsEqual(separator) }
                }
                if headerEnd == nil, !fill() { return }
            }
            let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
            let requestLine = head[0].split(separator: " ")
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            buffer.removeFirst(headerEnd! + 4)
            if headers["expect"]?.lowercased() == "100-continue" { send("HTTP/1.1 100 Continue\r\n\r\n", fd) }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            while buffer.count < length { if !fill() { return } }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            lock.lock()
            received.append(Request(method: String(requestLine.first ?? ""), path: requestLine.count > 1 ? String(requestLine[1]) : "",
                                    headers: headers, body: body, at: Date().timeIntervalSince1970))
            let status = answer, reply = answerBody
            lock.unlock()
            send("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(reply.utf8.count)\r\n\r\n\(reply)", fd)
        }
    }

    private func send(_ text: String, _ fd: Int32) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
