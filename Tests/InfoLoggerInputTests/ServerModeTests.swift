import Foundation
import Glibc
import Config
import Spool
import Testing
import TestSupport
@testable import InfoLoggerInput

@Suite("server mode: infoLoggerD connects to LogBridge", .serialized)
struct ServerModeTests {
    @Test("the captured session: READY, pipelined frames, one cumulative ACK per durable burst")
    func capturedSession() throws {
        let h = try ReceiverHarness { _ in }
        defer { h.stop(); h.remove() }
        let peer = InfoLoggerDaemonPeer(port: h.port)
        try peer.connect()
        // The real daemon's bytes, sent as they were captured (handshake already done by the peer: skip INI).
        let frames = Array(Captures.t1[Captures.t1.firstIndex(of: 0x0A)! + 1 ..< Captures.t1.count])
        try peer.write(frames)
        var acked: UInt64 = 0
        while acked < 9, let line = try peer.readLine(timeout: 5) {
            let parts = line.split(separator: " ")
            #expect(parts.count == 3 && parts[0] == "ACK" && parts[2] == "1", "got \(line)")
            acked = UInt64(parts[1]) ?? 0
        }
        #expect(acked == 9)
        let docs = try h.documents(atLeast: 9)
        #expect(docs.count == 9)
        #expect(docs.map { $0["message"] as? String ?? "" }.prefix(4) == ["hello world", "first line", "second line", "third line"])
        #expect(Set(docs.map(\.id)).count == 9)
        #expect(h.counters.acksSent.load(ordering: .relaxed) <= 9)
        #expect(h.spool.durablePosition >= h.spool.endPosition)
    }

    @Test("split TCP segments, a burst of 2000 frames, ACK only after fsync")
    func burstAndSegments() throws {
        let h = try ReceiverHarness { _ in }
        defer { h.stop(); h.remove() }
        let peer = InfoLoggerDaemonPeer(port: h.port)
        try peer.connect()
        try peer.send((0..<20).map { record("segmented \($0)") }, segmented: true)
        try peer.send((0..<2000).map { record("burst \($0)") })
        #expect(try peer.waitAllAcknowledged())
        #expect(peer.acksReceived.last == 2020)
        // One cumulative ACK covers many frames: far fewer ACKs (and fsyncs) than messages.
        #expect(peer.acksReceived.count < 1000)
        #expect(h.spool.durablePosition >= h.spool.endPosition)
        let docs = try h.documents(atLeast: 2020)
        #expect(docs.count == 2020)
        #expect(Set(docs.map(\.id)).count == 2020)
    }

    @Test("reconnect: unacknowledged frames are re-sent and map to the same _id; a daemon restart renumbers from 1")
    func reconnectAndRenumber() throws {
        let dir = try temporaryDirectory("lb-ilg")
        var h = try ReceiverHarness({ _ in }, directory: dir)
        let port = h.port
        let peer = InfoLoggerDaemonPeer(port: port)
        try peer.connect()
        try peer.send((0..<50).map { record("before \($0)") })
        // The connection breaks before the peer reads any ACK: it must keep and re-send all 50.
        peer.disconnect()
        #expect(peer.unacknowledged.count == 50)
        // LogBridge restarts on the same port and spool.
        h.stop()
        h = try ReceiverHarness({ $0.listen = .init(host: "127.0.0.1", port: port) }, directory: dir)
        defer { h.stop(); h.remove() }
        try peer.connect()
        #expect(try peer.waitAllAcknowledged())
        #expect(peer.acksReceived.last == 50)

        // infoLoggerD restarts with two queued messages: ids 1 and 2 again, new content, must be stored.
        try peer.send([record("queued X"), record("queued Y")])
        peer.restartDaemon()
        #expect(peer.unacknowledged.map(\.id) == [1, 2])
        try peer.connect()
        #expect(try peer.waitAllAcknowledged())
        #expect(peer.acksReceived.last == 2)

        let reader = try Spool(SpoolOptions(directory: dir + "/spool"), logger: quietLogger)
        defer { reader.close() }
        var all: [SpooledDocument] = []
        let r = SpoolReader(spool: reader, from: nil)
        while let rec = try r.next(timeout: 0.05) { all.append(try SpooledDocument(rec.payload)) }
        let ids = Set(all.map(\.id))
        // Re-sent frames may be spooled twice; the cluster keeps one document per _id.
        #expect(ids.count == 52)
        #expect(Set(all.compactMap { $0["message"] as? String }).count == 52)
        #expect(all.count >= 52)
    }

    @Test("hostile input closes only that connection, with a counter; others keep working")
    func hostile() throws {
        let h = try ReceiverHarness { $0.maxRecordBytes = 4096 }
        defer { h.stop(); h.remove() }
        let good = InfoLoggerDaemonPeer(port: h.port)
        try good.connect()

        let junk = InfoLoggerDaemonPeer(port: h.port)
        try junk.connect()
        try junk.write((0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        #expect(junk.serverClosed(timeout: 3))

        let liar = InfoLoggerDaemonPeer(port: h.port)
        try liar.connect()
        try liar.send([record("good one before the lie")])
        try liar.write(Array("File infoLoggerD 2 1 10\n\(record("much longer than ten bytes"))\0END\n".utf8))
        // The good frame before the violation is still stored and acknowledged before the close.
        #expect(try liar.waitAllAcknowledged(timeout: 3))
        #expect(liar.serverClosed(timeout: 3))

        let headerOnly = InfoLoggerDaemonPeer(port: h.port)
        try headerOnly.connect()
        try headerOnly.write(Array("File infoLoggerD 1 1 100\n".utf8))
        headerOnly.disconnect()

        let flood = InfoLoggerDaemonPeer(port: h.port)
        try flood.connect()
        let chunk = [UInt8](repeating: 0x41, count: 1 << 20)
        var sent = 0
        while sent < 100 << 20, (try? flood.write(chunk)) != nil { sent += chunk.count }
        #expect(sent < 100 << 20, "the server should have closed long before 100 MB")

        try good.send([record("still fine")])
        #expect(try good.waitAllAcknowledged())
        #expect(h.counters.protocolErrors.load(ordering: .relaxed) == 3)
        let messages = try h.documents(atLeast: 2).compactMap { $0["message"] as? String }
        #expect(Set(messages) == ["good one before the lie", "still fine"])
    }

    @Test("a full spool stops the ACKs (and the reading) until space is freed")
    func fullSpoolBlocksAcks() throws {
        let dir = try temporaryDirectory("lb-ilg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try Spool(SpoolOptions(directory: dir + "/spool", segmentBytes: 64 << 10, maxBytes: 128 << 10, fsync: .never),
                              logger: quietLogger)
        var settings = InfoLoggerInputSettings(id: "il")
        settings.listen = .init(host: "127.0.0.1", port: 0)
        let receiver = ServerModeReceiver(settings: InfoLoggerReceiverSettings(input: settings, counters: InfoLoggerCounters()))
        try receiver.start(spool: spool, context: testContext())
        defer { receiver.stop(); spool.close() }
        let peer = InfoLoggerDaemonPeer(port: receiver.port)
        try peer.connect()
        let padding = String(repeating: "p", count: 300)
        try peer.send((0..<1000).map { record("full \($0) \(padding)") })
        _ = try peer.waitAllAcknowledged(timeout: 2)
        let stuck = peer.unacknowledged.count
        #expect(stuck > 0, "a 128 KiB spool cannot hold 1000 × 700 B")
        // The reader acknowledges everything: segments are deleted and the blocked append proceeds.
        let reader = SpoolReader(spool: spool)
        var last = spool.endPosition
        let deadline = Date().addingTimeInterval(10)
        while !peer.unacknowledged.isEmpty && Date() < deadline {
            while let r = try reader.next(timeout: 0.02) { last = r.end }
            spool.acknowledge(upTo: last)
            _ = try peer.waitAllAcknowledged(timeout: 0.1)
        }
        #expect(peer.unacknowledged.isEmpty)
    }
}

func record(_ message: String, host: String = "flp001") -> String {
    "*1.4#I#6#1795912022.\(String(format: "%06d", abs(message.hashValue) % 1_000_000))#\(host)#readout#4242#flp#FLP#readout#TPC#PHYSICS_1#551234###Readout.cxx#\(message)"
}
