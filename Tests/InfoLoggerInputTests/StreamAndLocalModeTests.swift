import Foundation
import Glibc
import Testing
import TestSupport
@_spi(Fuzzing) @testable import InfoLoggerInput

@Suite("stream and local modes over real sockets", .serialized)
struct StreamAndLocalModeTests {
    @Test("stream: lines from infoLoggerServer's online port; a reconnect counts a gap")
    func stream() throws {
        // Plays infoLoggerServer's port 6102: pushes protocol-1.4 lines, reads nothing.
        let listener = try PosixSocket.listenTCP(host: "127.0.0.1", port: 0)
        defer { close(listener) }
        let port = PosixSocket.localPort(listener)
        let h = try ReceiverHarness {
            $0.mode = .stream
            $0.connect = .init(host: "127.0.0.1", port: port)
            $0.reconnectMaxSeconds = 0.5
        }
        defer { h.stop(); h.remove() }

        func acceptOne() throws -> Int32 {
            guard PosixSocket.waitReadable(listener, milliseconds: 5000), let fd = PosixSocket.accept(listener) else {
                throw PeerError("the stream input did not connect")
            }
            return fd
        }
        let first = try acceptOne()
        let lines = (0..<100).map { record("stream \($0)") }.joined(separator: "\n") + "\n"
        // Split mid-line on purpose.
        let bytes = Array(lines.utf8)
        _ = PosixSocket.send(first, Array(bytes[..<777]))
        usleep(20_000)
        _ = PosixSocket.send(first, Array(bytes[777...]))
        let docs = try h.documents(atLeast: 100)
        #expect(docs.count == 100)
        #expect(docs.first?["message"] as? String == "stream 0")
        #expect(docs.last?["message"] as? String == "stream 99")
        close(first)

        let second = try acceptOne()
        defer { close(second) }
        _ = PosixSocket.send(second, Array((record("after reconnect") + "\n").utf8))
        let more = try h.documents(atLeast: 1)
        #expect(more.map { $0["message"] as? String } == ["after reconnect"])
        #expect(h.counters.gaps.load(ordering: .relaxed) == 1)
    }

    @Test("local: the abstract socket infoLoggerD-style name, raw-mode bytes, and an overlong line")
    func local() throws {
        let name = "lb-test-infoLoggerD-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let h = try ReceiverHarness {
            $0.mode = .local
            $0.socket = name
            $0.maxRecordBytes = 2048
        }
        defer { h.stop(); h.remove() }

        let client = try connectAbstract(name)
        // What libInfoLogger's raw mode writes: records, blank lines, a multi-line message, UTF-8, a tab.
        _ = PosixSocket.send(client, Captures.rawMisc)
        close(client)
        let docs = try h.documents(atLeast: 5)
        #expect(docs.map { $0["message"] as? String ?? "?" } == ["tab\there", "back\\\\slash", "trailing newline", "", "utf8 é ü"])
        #expect(docs.allSatisfy { $0["infologger.facility"] as? String == "t" })

        let flooder = try connectAbstract(name)
        defer { close(flooder) }
        let junk = [UInt8](repeating: 0x42, count: 64 << 10)
        var refused = false
        for _ in 0..<1600 where PosixSocket.send(flooder, junk) == false { refused = true; break }
        if !refused { refused = PosixSocket.waitReadable(flooder, milliseconds: 2000) && read(flooder, [UInt8](repeating: 0, count: 16).withUnsafeBufferPointer { UnsafeMutableRawPointer(mutating: $0.baseAddress!) }, 16) <= 0 }
        #expect(refused)
        #expect(h.counters.protocolErrors.load(ordering: .relaxed) == 1)

        let after = try connectAbstract(name)
        _ = PosixSocket.send(after, Array((record("after the flood") + "\n").utf8))
        close(after)
        #expect(try h.documents(atLeast: 1).map { $0["message"] as? String } == ["after the flood"])
    }

    @Test("local: a filesystem path when the name starts with /")
    func localPath() throws {
        let dir = try temporaryDirectory("lb-ilg-sock")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/infoLoggerD.sock"
        let h = try ReceiverHarness { $0.mode = .local; $0.socket = path }
        defer { h.stop(); h.remove() }
        #expect(FileManager.default.fileExists(atPath: path))
        let fd = try connectUnix(path: path)
        _ = PosixSocket.send(fd, Array((record("via path") + "\n").utf8))
        close(fd)
        #expect(try h.documents(atLeast: 1).map { $0["message"] as? String } == ["via path"])
    }
}

func connectAbstract(_ name: String) throws -> Int32 { try connectUnix(bytes: [0] + Array(name.utf8)) }
func connectUnix(path: String) throws -> Int32 { try connectUnix(bytes: Array(path.utf8) + [0]) }

private func connectUnix(bytes: [UInt8]) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { p in for (i, b) in bytes.enumerated() { p[i] = b } }
    let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
    let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
    guard rc == 0 else { close(fd); throw PeerError("connect unix: \(String(cString: strerror(errno)))") }
    return fd
}

@Suite("local/stream line splitting")
struct LineSplitterTests {
    @Test("the same records whatever the read sizes; a line is limited by its raw length plus one CR or NUL")
    func segmentationAndLimit() {
        let stream = Array("first\n\nsecond\r\nthird\0\n0123456789\r\n0123456789\r\r\nlast".utf8)
        let expected: [InfoLoggerFuzzing.Line] = ["first", "second", "third", "0123456789"].map { .record(Array($0.utf8)) } + [.tooLong]
        for chunk in [1, 2, 3, 5, 11, stream.count] {
            #expect(InfoLoggerFuzzing.lines(stream, chunk: chunk, maxRecordBytes: 10) == expected, "chunk \(chunk)")
        }
        // Without the over-long line, the unterminated rest is the last record when the stream ends.
        let tail = Array("a\r\nlast".utf8)
        #expect(InfoLoggerFuzzing.lines(tail, chunk: 2, maxRecordBytes: 10) == [.record(Array("a".utf8)), .record(Array("last".utf8))])
        // A flood without a newline is cut as soon as it passes the limit, not at the end of the stream.
        let flood = [UInt8](repeating: 0x41, count: 1000) + Array("\nnever read\n".utf8)
        #expect(InfoLoggerFuzzing.lines(flood, chunk: 16, maxRecordBytes: 100) == [.tooLong])
    }
}
