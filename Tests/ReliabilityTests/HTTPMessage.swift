import Foundation

/// An HTTP/1.1 request or response as the fault proxy sees it: start line, headers, a whole body.
struct HTTPMessage {
    var startLine: String
    var headers: [(String, String)]
    var body: [UInt8]

    var method: String { String(startLine.split(separator: " ").first ?? "") }
    var path: String { startLine.split(separator: " ").dropFirst().first.map(String.init) ?? "" }
    var status: Int { Int(startLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }

    func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// With `Content-Length` set from the body, chunked framing removed.
    func encoded() -> [UInt8] {
        var text = startLine + "\r\n"
        for (k, v) in headers where !["content-length", "transfer-encoding"].contains(k.lowercased()) {
            text += "\(k): \(v)\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }

    static func json(_ status: Int, _ body: String) -> HTTPMessage {
        HTTPMessage(startLine: "HTTP/1.1 \(status) Injected", headers: [("Content-Type", "application/json")],
                    body: Array(body.utf8))
    }
}

/// Buffered reads of HTTP messages from a socket.
final class SocketReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var eof = false

    init(fd: Int32) { self.fd = fd }

    /// Nil when the peer closed (or sent garbage).
    func readRequest() -> HTTPMessage? {
        guard var m = readHead() else { return nil }
        if let te = m.header("Transfer-Encoding"), te.lowercased().contains("chunked") {
            guard let body = readChunked() else { return nil }
            m.body = body
        } else {
            let length = Int(m.header("Content-Length") ?? "0") ?? 0
            guard let body = readExactly(length) else { return nil }
            m.body = body
        }
        return m
    }

    /// A response on a `Connection: close` connection: framed by length, chunks, or the end of the stream.
    func readResponse() -> HTTPMessage? {
        guard var m = readHead() else { return nil }
        if let te = m.header("Transfer-Encoding"), te.lowercased().contains("chunked") {
            guard let body = readChunked() else { return nil }
            m.body = body
        } else if let length = m.header("Content-Length").flatMap({ Int($0) }) {
            guard let body = readExactly(length) else { return nil }
            m.body = body
        } else {
            while fill() {}
            m.body = buffer
            buffer = []
        }
        return m
    }

    private func readHead() -> HTTPMessage? {
        let end: [UInt8] = [13, 10, 13, 10]
        while true {
            if let r = buffer.firstRange(of: end) {
                let head = String(decoding: buffer[..<r.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<r.upperBound)
                var lines = head.components(separatedBy: "\r\n")
                let start = lines.removeFirst()
                let headers = lines.compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                return HTTPMessage(startLine: start, headers: headers, body: [])
            }
            guard fill() else { return nil }
        }
    }

    private func readExactly(_ n: Int) -> [UInt8]? {
        while buffer.count < n { guard fill() else { return nil } }
        let out = Array(buffer[..<n])
        buffer.removeSubrange(..<n)
        return out
    }

    private func readLine() -> String? {
        while true {
            if let r = buffer.firstRange(of: [13, 10]) {
                let line = String(decoding: buffer[..<r.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<r.upperBound)
                return line
            }
            guard fill() else { return nil }
        }
    }

    private func readChunked() -> [UInt8]? {
        var body: [UInt8] = []
        while true {
            guard let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { return nil }
            if size == 0 { _ = readLine(); return body }
            guard let chunk = readExactly(size) else { return nil }
            body += chunk
            _ = readLine()
        }
    }

    private func fill() -> Bool {
        guard !eof else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { eof = true; return false }
        buffer += chunk[..<n]
        return true
    }
}
