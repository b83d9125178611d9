import Foundation
import Testing
import TestSupport
@testable import Telemetry

/// The real NIO listener on loopback, asked over a real TCP socket.
@Suite struct ProbeEndpointTests {
    static func ask(_ port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { throw TestError("connect failed") }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += chunk[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func answersRoutesAndClosesTheConnection() throws {
        let endpoint = try ProbeEndpoint(host: "127.0.0.1", port: 0) { path in
            switch path {
            case "/metrics": return .init(status: 200, contentType: PrometheusText.contentType, body: "m 1\n")
            case "/ready": return .init(status: 503, body: "not yet\n")
            default: return .init(status: 404, body: "no\n")
            }
        }
        defer { endpoint.stop() }
        #expect(endpoint.port > 0)
        let metrics = try Self.ask(endpoint.port, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(metrics.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(metrics.contains("Content-Type: text/plain; version=0.0.4"))
        #expect(metrics.hasSuffix("\r\n\r\nm 1\n"))
        #expect(try Self.ask(endpoint.port, "GET /ready HTTP/1.0\r\n\r\n").hasPrefix("HTTP/1.1 503"))
        #expect(try Self.ask(endpoint.port, "GET /nope HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 404"))
        let head = try Self.ask(endpoint.port, "HEAD /metrics HTTP/1.1\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200") && head.hasSuffix("\r\n\r\n"))
        #expect(try Self.ask(endpoint.port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").hasPrefix("HTTP/1.1 405"))
        #expect(try Self.ask(endpoint.port, "garbage\r\n\r\n").hasPrefix("HTTP/1.1 400"))
        let huge = "GET /" + String(repeating: "a", count: 10_000) + " HTTP/1.1\r\n\r\n"
        #expect(try Self.ask(endpoint.port, huge).hasPrefix("HTTP/1.1 431"))
    }

    @Test func requestParserHandlesSplitHeads() {
        let full = Array("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(ProbeRequest.parse(Array(full.prefix(10)), limit: 8192) == .incomplete)
        #expect(ProbeRequest.parse(full, limit: 8192) == .request(method: "GET", path: "/health"))
    }

    @Test func aTakenPortIsAnError() throws {
        let first = try ProbeEndpoint(host: "127.0.0.1", port: 0) { _ in .init(status: 200, body: "") }
        defer { first.stop() }
        #expect(throws: (any Error).self) {
            let second = try ProbeEndpoint(host: "127.0.0.1", port: first.port) { _ in .init(status: 200, body: "") }
            second.stop()
        }
    }
}
