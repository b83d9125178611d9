import TestSupport
import Foundation

/// A real HTTP/1.1 server on a loopback socket, for answers osmem cannot be asked to give (429 per item,
/// 413, a 500). It handles keep-alive and Content-Length bodies, which is all libcurl sends here.
final class TinyHTTPServer: @unchecked Sendable {
    struct Request { var method: String; var path: String; var headers: [String: String]; var body: [UInt8] }
    typealias Handler = @Sendable (Request) -> (status: Int, body: String)

    let port: Int
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var closed = false

    var url: String { "http://127.0.0.1:\(port)" }

    init(handler: @escaping Handler) throws {
        self.handler = handler
        (listener, port) = try listenOnLoopback(what: "tiny server")
        let server = self
        Thread { server.acceptLoop() }.start()
    }

    /// Idempotent: a second `close` of the descriptor could hit another test's socket that reused the number.
    func close() {
        lock.lock()
        let wasClosed = closed
        closed = true
        lock.unlock()
        if wasClosed { return }
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    deinit { close() }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                lock.lock(); let done = closed; lock.unlock()
                if done { return } else { continue }
            }
            let server = self
            Thread { server.serve(fd) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { Glibc.close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        while true {
            var headerEnd: Int? = nil
            while headerEnd == nil {
                if buffer.count >= 4 {
                    headerEnd = (0...(buffer.count - 4)).first { Array(buffer[$0..<($0 + 4)]) == separator }
                }
                if headerEnd == nil && !fill() { return }
            }
            let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
            let parts = head[0].split(separator: " ")
            guard parts.count >= 2 else { return }
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                if let c = line.firstIndex(of: ":") {
                    headers[line[..<c].lowercased()] = line[line.index(after: c)...].trimmingCharacters(in: .whitespaces)
                }
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = headerEnd! + 4
            while buffer.count < bodyStart + length { if !fill() { return } }
            let body = Array(buffer[bodyStart..<(bodyStart + length)])
            buffer.removeFirst(bodyStart + length)
            let answer = handler(Request(method: String(parts[0]), path: String(parts[1]), headers: headers, body: body))
            let payload = Array(answer.body.utf8)
            let response = Array("HTTP/1.1 \(answer.status) X\r\nContent-Type: application/json\r\nContent-Length: \(payload.count)\r\n\r\n".utf8) + payload
            var sent = 0
            while sent < response.count {
                let n = response[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                sent += n
            }
        }
    }
}

/// The `_id`s and `_index`es of a `_bulk` body, in order.
func bulkTargets(_ body: [UInt8]) -> [(index: String, id: String)] {
    let lines = body.split(separator: 0x0A)
    return stride(from: 0, to: lines.count, by: 2).map { i in
        let action = (try? JSONSerialization.jsonObject(with: Data(lines[i]))) as? [String: [String: Any]]
        let meta = action?.values.first ?? [:]
        return (meta["_index"] as? String ?? "", meta["_id"] as? String ?? "")
    }
}

func bulkAnswer(_ statuses: [Int]) -> String {
    let items = statuses.map { s in
        s < 300 ? #"{"create":{"status":\#(s)}}"#
            : #"{"create":{"status":\#(s),"error":{"type":"t\#(s)","reason":"reason \"\#(s)\""}}}"#
    }
    return #"{"took":1,"errors":\#(statuses.contains { $0 >= 300 }),"items":[\#(items.joined(separator: ","))]}"#
}
