import Foundation
import Testing
import TestSupport

/// Lines that are not valid UTF-8 keep every byte in `event.original` (a byte of an invalid sequence as the
/// text `\xNN`), while `message` carries U+FFFD so the cluster accepts the document. Through the binary and
/// osmem, for syslog over TCP and UDP, a tailed file and an InfoLogger frame.
@Suite(.serialized) struct InvalidUTF8Tests {
    @Test func invalidBytesAreKeptInEventOriginal() throws {
        let osmem = try OsmemServer()
        let tcpPort = freePort(), udpPort = freePort(), ilPort = freePort()
        let dir = try temporaryDirectory("lb-utf8"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let shipper = try ShipperProcess(.init(clusterURL: osmem.url, inputs: []))
        defer { shipper.remove() }
        try shipper.writeRawConfig(ShipperProcess.yaml(shipper.options, stateDirectory: shipper.stateDirectory) + """
              - type: syslog
                id: net
                listen: ["tcp://127.0.0.1:\(tcpPort)", "udp://127.0.0.1:\(udpPort)"]
              - type: file
                id: files
                paths: ["\(dir)/app.log"]
                format: plain
                poll_interval: 100ms
              - type: infologger
                id: ilg
                mode: server
                listen: 127.0.0.1:\(ilPort)

            """)
        // 0xC3 starts a two-byte sequence that `(` does not continue; 0xFF never occurs in UTF-8; `é` is valid.
        let bad: [UInt8] = [0xC3, 0x28, 0x20, 0xFF, 0x20] + Array("é end".utf8)
        let escaped = #"\xc3( \xff é end"#
        let repaired = "\u{FFFD}( \u{FFFD} é end"
        try Data(Array("file ".utf8) + bad + [0x0A]).write(to: URL(fileURLWithPath: dir + "/app.log"))
        try shipper.start()
        #expect(eventually(20) { shipper.stderr.contains("inputs open") }, "\(shipper.stderr.suffix(2000))")

        let tcp = try SyslogSender(port: tcpPort, tag: "unused")
        try tcp.sendRaw(Array("<13>1 2026-11-29T00:00:00Z flp001 readout 42 - - tcp ".utf8) + bad + [0x0A])
        try SyslogFeed.sendDatagram(Array("<13>1 2026-11-29T00:00:00Z flp001 readout 42 - - udp ".utf8) + bad, port: udpPort)
        let peer = try InfoLoggerDaemonPeer.connect(port: ilPort, timeout: 10)
        defer { peer.close() }
        let record = Array("*1.4#E#1#1795912022.000001#flp001#readout#4000#flp#FLP#readout#TPC#2rXyZ7abc#551234####ilg ".utf8) + bad
        try peer.write(InfoLoggerDaemonPeer.frameBytes(.init(id: 1, record: record)))
        #expect(try peer.waitAcknowledged(upTo: 1, timeout: 10))

        #expect(try eventually(30) { try osmem.count("logs-*") == 4 }, "\(shipper.stderr.suffix(2000))")
        let docs = try osmem.allDocuments("logs-*").map(\.source)
        func original(_ d: [String: Any]) -> String? { (d["event"] as? [String: Any])?["original"] as? String }
        for (prefix, tag) in [("tcp ", "syslog_invalid_utf8"), ("udp ", "syslog_invalid_utf8"), ("file ", "syslog_invalid_utf8"),
                              ("ilg ", "infologger_invalid_utf8")] {
            let doc = docs.first { ($0["message"] as? String)?.hasPrefix(prefix) == true }
            #expect(doc?["message"] as? String == prefix + repaired, "\(prefix): \(String(describing: doc))")
            #expect(original(doc ?? [:])?.hasSuffix(prefix + escaped) == true, "\(prefix): \(String(describing: doc))")
            #expect((doc?["tags"] as? [String])?.contains(tag) == true, "\(prefix): \(String(describing: doc))")
        }
        shipper.signal(SIGTERM)
        #expect(try shipper.wait(timeout: 30) == 0)
    }
}
