import CIgzip
import Glibc

/// Serves one client connection: HTTP/1.1 keep-alive, `Content-Length` or chunked bodies, `Expect: 100-continue`.
/// Buffers live as long as the connection, so a steady stream of bulk requests allocates nothing.
final class HTTPConnection {
    private let socket: Int32
    private let stats: SinkStats
    private let openSearch: Bool
    /// Request heads and whatever the client sent after them.
    private var input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 1 << 16
    private var inputStart = 0
    private var inputEnd = 0
    private var body: UnsafeMutablePointer<UInt8>
    private var bodyCapacity = 1 << 20
    private var bodyLength = 0
    /// A gzipped body, inflated (`make bench` measures the default `compression: gzip` too).
    private var inflated: UnsafeMutablePointer<UInt8>
    private var inflatedCapacity = 1 << 20
    private var responseBody: [UInt8] = []
    private var bulk = BulkResponder()

    init(socket: Int32, stats: SinkStats, openSearch: Bool) {
        self.socket = socket
        self.stats = stats
        self.openSearch = openSearch
        input = .allocate(capacity: inputCapacity)
        body = .allocate(capacity: bodyCapacity)
        inflated = .allocate(capacity: inflatedCapacity)
    }

    deinit {
        input.deallocate()
        body.deallocate()
        inflated.deallocate()
    }

    func serve() {
        defer { close(socket) }
        while let head = readHead() {
            stats.update { $0.httpRequests += 1 }
            let started = SinkStats.now()
            if head.expectsContinue {
                guard sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), []) else { return }
            }
            guard readBody(head) else { return }
            let keepGoing = route(head, tookMillis: Int((SinkStats.now() - started) * 1000))
            if !keepGoing || !head.keepAlive { return }
        }
    }

    // MARK: routing

    private func route(_ head: HTTPRequestHead, tookMillis: Int) -> Bool {
        let segments = head.path.split(separator: "/")
        switch (head.method, segments.last) {
        case ("GET", nil), ("HEAD", nil):
            return reply(200, ClusterInfo.body(openSearch: openSearch), head: head,
                         extraHeaders: ClusterInfo.productHeader(openSearch: openSearch))
        case ("POST", "_bulk"), ("PUT", "_bulk"):
            return bulkRequest(head, index: segments.count == 2 ? Array(segments[0].utf8) : Array("unknown".utf8),
                               tookMillis: tookMillis)
        case ("GET", "stats") where head.path == "/_sink/stats":
            return reply(200, stats.json(), head: head)
        case ("POST", "reset") where head.path == "/_sink/reset":
            stats.reset()
            return reply(200, #"{"acknowledged":true}"#, head: head)
        default:
            return reply(200, #"{"acknowledged":true}"#, head: head)
        }
    }

    private func bulkRequest(_ head: HTTPRequestHead, index: [UInt8], tookMillis: Int) -> Bool {
        var plain = UnsafeBufferPointer(start: body, count: bodyLength)
        switch head.contentEncoding {
        case "", "identity": break
        case "gzip":
            guard let text = gunzipBody() else {
                stats.update { $0.badRequests += 1; $0.bytes += self.bodyLength }
                return reply(400, Self.error("parse_exception", "the gzip body does not inflate"), head: head)
            }
            plain = text
        default:
            stats.update { $0.badRequests += 1; $0.bytes += self.bodyLength }
            return reply(415, Self.error("content_encoding_not_supported",
                                         "BenchSink reads plain and gzip bodies only", status: 415), head: head)
        }
        let outcome = bulk.respond(to: plain, defaultIndex: index, tookMillis: tookMillis, into: &responseBody)
        switch outcome {
        case .accepted(let docs):
            stats.recordBulk(docs: docs, bytes: bodyLength)
            return send(200, head: head, extraHeaders: "")
        case .rejected(let reason):
            stats.update { $0.badRequests += 1 }
            return reply(400, Self.error("illegal_argument_exception", reason), head: head)
        }
    }

    /// Stats count the bytes on the wire (`bodyLength`), as for a plain body.
    private func gunzipBody() -> UnsafeBufferPointer<UInt8>? {
        let size = lb_gzip_declared_size(body, bodyLength)
        if size > inflatedCapacity {
            var grown = inflatedCapacity
            while grown < size { grown *= 2 }
            inflated.deallocate()
            inflated = .allocate(capacity: grown)
            inflatedCapacity = grown
        }
        let produced = lb_gunzip(body, bodyLength, inflated, size)
        guard produced == size else { return nil }
        return UnsafeBufferPointer(start: inflated, count: produced)
    }

    private static func error(_ type: String, _ reason: String, status: Int = 400) -> String {
        #"{"error":{"root_cause":[{"type":"\#(type)","reason":"\#(reason)"}],"type":"\#(type)","reason":"\#(reason)"},"status":\#(status)}"#
    }

    private func reply(_ status: Int, _ text: String, head: HTTPRequestHead, extraHeaders: String = "") -> Bool {
        responseBody.removeAll(keepingCapacity: true)
        responseBody.append(contentsOf: text.utf8)
        return send(status, head: head, extraHeaders: extraHeaders)
    }

    private func send(_ status: Int, head: HTTPRequestHead, extraHeaders: String) -> Bool {
        let reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : status == 415 ? "Unsupported Media Type" : "Error"
        let headers = "HTTP/1.1 \(status) \(reason)\r\ncontent-type: application/json\r\n\(extraHeaders)"
            + "content-length: \(responseBody.count)\r\n\(head.keepAlive ? "" : "connection: close\r\n")\r\n"
        return sendAll(Array(headers.utf8), head.method == "HEAD" ? [] : responseBody)
    }

    // MARK: reading

    private func readHead() -> HTTPRequestHead? {
        while true {
            if let end = headEnd() {
                let head = HTTPRequestHead(UnsafeBufferPointer(start: input + inputStart, count: end - inputStart))
                inputStart = end + 4
                guard let head else {
                    stats.update { $0.badRequests += 1 }
                    return nil
                }
                return head
            }
            if inputStart > 0 {
                memmove(input, input + inputStart, inputEnd - inputStart)
                inputEnd -= inputStart
                inputStart = 0
            }
            guard inputEnd < inputCapacity, fill() else { return nil }
        }
    }

    /// Offset of the `\r\n\r\n` ending the buffered head, if it has arrived.
    private func headEnd() -> Int? {
        guard inputEnd - inputStart >= 4 else { return nil }
        for i in inputStart...(inputEnd - 4) where input[i] == 13 && input[i + 1] == 10 && input[i + 2] == 13 && input[i + 3] == 10 {
            return i
        }
        return nil
    }

    private func fill() -> Bool {
        while true {
            let received = recv(socket, input + inputEnd, inputCapacity - inputEnd, 0)
            if received > 0 { inputEnd += received; return true }
            if received < 0 && errno == EINTR { continue }
            return false
        }
    }

    private func readBody(_ head: HTTPRequestHead) -> Bool {
        bodyLength = 0
        if head.chunked { return readChunkedBody() }
        guard let length = head.contentLength, length > 0 else { return true }
        reserveBody(length)
        return readExactly(length)
    }

    /// Appends `count` bytes to the body, first from what is buffered, then straight from the socket.
    private func readExactly(_ count: Int) -> Bool {
        var missing = count
        let buffered = min(missing, inputEnd - inputStart)
        memcpy(body + bodyLength, input + inputStart, buffered)
        inputStart += buffered
        bodyLength += buffered
        missing -= buffered
        while missing > 0 {
            let received = recv(socket, body + bodyLength, missing, 0)
            if received < 0 && errno == EINTR { continue }
            guard received > 0 else { return false }
            bodyLength += received
            missing -= received
        }
        return true
    }

    private func readChunkedBody() -> Bool {
        while true {
            guard let sizeLine = readLine() else { return false }
            let hex = sizeLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard let size = Int(hex.trimmingCharacters(), radix: 16) else { return false }
            if size == 0 {
                while let trailer = readLine() { if trailer.isEmpty { return true } }
                return false
            }
            reserveBody(bodyLength + size)
            guard readExactly(size), let end = readLine(), end.isEmpty else { return false }
        }
    }

    private func readLine() -> String? {
        while true {
            if inputEnd - inputStart >= 2 {
                for i in inputStart..<(inputEnd - 1) where input[i] == 13 && input[i + 1] == 10 {
                    let line = String(decoding: UnsafeBufferPointer(start: input + inputStart, count: i - inputStart), as: UTF8.self)
                    inputStart = i + 2
                    return line
                }
            }
            if inputStart > 0 {
                memmove(input, input + inputStart, inputEnd - inputStart)
                inputEnd -= inputStart
                inputStart = 0
            }
            guard inputEnd < inputCapacity, fill() else { return nil }
        }
    }

    private func reserveBody(_ capacity: Int) {
        guard capacity > bodyCapacity else { return }
        var grown = bodyCapacity
        while grown < capacity { grown *= 2 }
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: body, count: bodyLength)
        body.deallocate()
        body = larger
        bodyCapacity = grown
    }

    // MARK: writing

    private func sendAll(_ headers: [UInt8], _ payload: [UInt8]) -> Bool {
        headers.withUnsafeBytes { headerBytes in
            payload.withUnsafeBytes { payloadBytes in
                var parts = [headerBytes, payloadBytes]
                var index = 0
                while index < parts.count {
                    if parts[index].isEmpty { index += 1; continue }
                    var vectors = parts[index...].map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
                    var message = msghdr()
                    let sent = vectors.withUnsafeMutableBufferPointer { buffer -> Int in
                        message.msg_iov = buffer.baseAddress
                        message.msg_iovlen = buffer.count
                        return sendmsg(socket, &message, Int32(MSG_NOSIGNAL))
                    }
                    if sent < 0 && errno == EINTR { continue }
                    guard sent > 0 else { return false }
                    var consumed = sent
                    while consumed > 0 && index < parts.count {
                        let take = min(consumed, parts[index].count)
                        parts[index] = UnsafeRawBufferPointer(rebasing: parts[index][take...])
                        consumed -= take
                        if parts[index].isEmpty { index += 1 }
                    }
                }
                return true
            }
        }
    }
}

private extension Substring {
    func trimmingCharacters() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
