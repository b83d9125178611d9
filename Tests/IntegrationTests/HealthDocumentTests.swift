import Foundation
import Testing
import TestSupport

/// The shipper's health documents (`logbridge-health-*`) from the real binary into osmem-server: the figures add
/// up to what was shipped, dead-lettered and found malformed, and the samples taken while the cluster was down
/// arrive once it is back, carrying the outage's lag.
@Suite(.serialized) struct HealthDocumentTests {
    static func line(_ i: Int) -> String { "Nov 29 00:00:\(String(format: "%02d", i % 60)) flp042 app[7]: line \(i)\n" }

    static var hostName: String {
        var buf = [CChar](repeating: 0, count: 256)
        return gethostname(&buf, 255) == 0 ? String(cString: buf) : "unknown"
    }

    static func health(_ osmem: OsmemServer) throws -> [[String: Any]] {
        try osmem.refresh()
        return try osmem.documents("logbridge-health-*").map(\.source)
    }

    static func figure(_ doc: [String: Any], _ name: String) -> Double {
        let h = ((doc["logbridge"] as? [String: Any])?["health"] as? [String: Any])?[name]
        return (h as? NSNumber)?.doubleValue ?? -1
    }

    static func input(_ doc: [String: Any]) -> String { (doc["logbridge"] as? [String: Any])?["input"] as? String ?? "" }

    static func sum(_ docs: [[String: Any]], _ input: String, _ name: String) -> Int {
        docs.filter { Self.input($0) == input }.reduce(0) { $0 + Int(figure($1, name)) }
    }

    @Test func figuresAddUpToWhatWasShippedDeadLetteredAndMalformed() throws {
        let osmem = try OsmemServer()
        let dir = try temporaryDirectory("lb-health"); defer { try? FileManager.default.removeItem(atPath: dir) }
        // 20 lines, 2 of them not RFC 3164 (shipped with the raw text, counted malformed); 10 lines of another
        // dataset whose index maps host.name as a number, so every one is dead-lettered.
        var good = (0..<18).map(Self.line)
        good.insert("this is not syslog\n", at: 5)
        good.append("neither is this\n")
        try good.joined().write(toFile: dir + "/good.log", atomically: true, encoding: .utf8)
        try (0..<10).map(Self.line).joined().write(toFile: dir + "/bad.log", atomically: true, encoding: .utf8)
        let conflict = try osmem.request("PUT", "/_index_template/conflict",
                                          body: #"{"index_patterns":["logs-app.bad-*"],"priority":900,"template":{"mappings":{"properties":{"host":{"properties":{"name":{"type":"long"}}}}}}}"#)
        #expect(conflict.status == 200)
        let config = dir + "/logbridge.yaml"
        try """
            state_dir: \(dir)/state
            output:
              hosts: ["\(osmem.url)"]
              compression: none
              batch: {max_docs: 7, max_bytes: 1MiB, flush_interval: 100ms}
              retry: {initial_backoff: 100ms, max_backoff: 1s}
            patterns: {enabled: false}
            inputs:
              - {type: file, id: good, dataset: app.good, paths: ["\(dir)/good.log"], format: rfc3164, timezone: UTC}
              - {type: file, id: bad, dataset: app.bad, paths: ["\(dir)/bad.log"], format: rfc3164, timezone: UTC}
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let setup = try runLogbridge(["setup", "--config", config, "--mappings", TestPaths.packageRoot + "/Mappings"])
        #expect(setup.status == 0, "\(setup.output)")

        let ship = try runLogbridge(["ship", "--once", "--config", config])
        #expect(ship.status == 0, "\(ship.output)")
        #expect(shipSummary(fromOutput: ship.stdout)["dead_lettered"] == 10, "\(ship.stdout)")

        let docs = try Self.health(osmem)
        #expect(Set(docs.map(Self.input)) == ["good", "bad"], "one document per input per sample")
        #expect(Self.sum(docs, "good", "received") == 20)
        #expect(Self.sum(docs, "good", "indexed") == 20)
        #expect(Self.sum(docs, "good", "malformed") == 2)
        #expect(Self.sum(docs, "good", "dead_lettered") == 0)
        #expect(Self.sum(docs, "bad", "received") == 10)
        #expect(Self.sum(docs, "bad", "indexed") == 0)
        #expect(Self.sum(docs, "bad", "dead_lettered") == 10)
        #expect(Self.sum(docs, "good", "dropped") + Self.sum(docs, "bad", "dropped") == 0)
        for doc in docs {
            #expect((doc["host"] as? [String: Any])?["name"] as? String == Self.hostName)
            #expect((doc["logbridge"] as? [String: Any])?["input_type"] as? String == "file")
            #expect(Self.figure(doc, "interval_seconds") > 0)
            // Read and acknowledged within this run: seconds at most, never negative.
            #expect(Self.figure(doc, "lag_seconds") >= 0 && Self.figure(doc, "lag_seconds") < 30)
            #expect(Self.figure(doc, "pending_batches") == 0, "the last sample is taken after every answer")
        }
        // The same run again reads nothing new: its samples say so, and add nothing to what was shipped.
        let again = try runLogbridge(["ship", "--once", "--config", config])
        #expect(again.status == 0)
        let after = try Self.health(osmem)
        #expect(after.count == docs.count + 2)
        #expect(Self.sum(after, "good", "received") == 20 && Self.sum(after, "bad", "dead_lettered") == 10)
    }

    /// `logbridge ship` in the background against a cluster expected on `clusterPort` (absent at first in these
    /// tests), with a health sample every second and `/metrics` on `metricsPort`.
    static func startDaemon(_ dir: String, clusterPort: Int, metricsPort: Int, maxDocs: Int, inputs: String) throws -> Process {
        let config = dir + "/logbridge.yaml"
        try """
            state_dir: \(dir)/state
            output:
              hosts: ["http://127.0.0.1:\(clusterPort)"]
              compression: none
              batch: {max_docs: \(maxDocs), max_bytes: 1MiB, flush_interval: 100ms}
              retry: {initial_backoff: 100ms, max_backoff: 500ms}
            patterns: {enabled: false}
            health: {interval: 1s}
            metrics: {listen: "127.0.0.1:\(metricsPort)"}
            inputs:
            \(inputs)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        return try startLogbridge(["ship", "--config", config], stdout: outputFile(dir + "/stdout.log"),
                                  stderr: outputFile(dir + "/stderr.log"))
    }

    @Test func samplesTakenDuringAnOutageArriveWithTheirLag() throws {
        let port = freePort()
        let metricsPort = freePort()
        let dir = try temporaryDirectory("lb-health-outage"); defer { try? FileManager.default.removeItem(atPath: dir) }
        try (0..<50).map(Self.line).joined().write(toFile: dir + "/app.log", atomically: true, encoding: .utf8)
        let ship = try Self.startDaemon(dir, clusterPort: port, metricsPort: metricsPort, maxDocs: 20, inputs: """
              - {type: file, id: app, paths: ["\(dir)/app.log"], format: rfc3164, timezone: UTC}
            """)
        defer { if ship.isRunning { kill(ship.processIdentifier, SIGKILL) } }
        // Nothing listens: the batches wait, and so do the samples.
        sleep(4)
        #expect(ship.isRunning)
        let pending = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        #expect(metricValue(pending, "logbridge_health_documents_pending") ?? 0 >= 2, "\(pending.prefix(300))")

        let osmem = try OsmemServer(port: port)
        #expect(eventually(60) { ((try? osmem.count("logs-system.file-*")) ?? 0) == 50 })
        // The next round writes the samples held since the start, the outage's among them.
        #expect(eventually(30) { Self.sum((try? Self.health(osmem)) ?? [], "app", "indexed") == 50 })
        let metrics = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        #expect(metricValue(metrics, "logbridge_health_documents_written_total") ?? 0 >= 4, "\(metrics.prefix(300))")
        kill(ship.processIdentifier, SIGTERM)
        ship.waitUntilExit()
        #expect(ship.terminationStatus == 0)

        let docs = try Self.health(osmem)
        #expect(Self.sum(docs, "app", "received") == 50)
        #expect(Self.sum(docs, "app", "indexed") == 50)
        let stuck = docs.filter { Self.figure($0, "pending_batches") > 0 }
        #expect(stuck.count >= 2, "samples taken while every batch waited")
        let worst = docs.map { Self.figure($0, "lag_seconds") }.max() ?? 0
        #expect(worst >= 3, "the outage lasted 4 s before the cluster came up; worst lag \(worst)")
        // Times are strictly increasing per input: one sample per round, none written twice.
        let times = docs.compactMap { $0["@timestamp"] as? String }
        #expect(Set(times).count == times.count)
    }
}

extension HealthDocumentTests {
    /// A syslog input whose spool is full while the cluster is away, with `when_full: drop_oldest`: the lines it
    /// gives up are counted `dropped` in the health documents, and every line received is either indexed or
    /// counted dropped — nothing disappears without a figure.
    @Test func linesDroppedByAFullSpoolAreCountedAndTheAccountCloses() throws {
        let port = freePort(), syslogPort = freePort(), metricsPort = freePort()
        let dir = try temporaryDirectory("lb-health-drop"); defer { try? FileManager.default.removeItem(atPath: dir) }
        let ship = try Self.startDaemon(dir, clusterPort: port, metricsPort: metricsPort, maxDocs: 50, inputs: """
              - type: syslog
                id: relay
                listen: ["tcp://127.0.0.1:\(syslogPort)"]
                spool: {max_bytes: 128KiB, segment_bytes: 64KiB, when_full: drop_oldest}
            """)
        defer { if ship.isRunning { kill(ship.processIdentifier, SIGKILL) } }
        #expect(eventually(20) { tcpConnectable(syslogPort) })
        // 2,000 lines of ~400 bytes (~800 KB) into a 128 KiB spool that nothing drains.
        let sent = 2_000
        let send = try runCommand("/usr/bin/python3", ["-c", """
            import socket, sys
            pad = "x" * 360
            data = "".join(f"<14>1 2026-11-29T00:00:00Z flp042 app 7 - - line {i} {pad}\\n" for i in range(\(sent))).encode()
            s = socket.create_connection(("127.0.0.1", \(syslogPort))); s.sendall(data); s.close()
            """])
        #expect(send.status == 0, "\(send.stderr)")
        #expect(eventually(20) { metricValue(httpGet(port: metricsPort, "/metrics")?.body ?? "", "logbridge_syslog_received_total{input=\"relay\",type=\"syslog\"}") == Double(sent) })

        let osmem = try OsmemServer(port: port)
        // Everything the spool kept is shipped, and the samples say where the rest went.
        #expect(eventually(60) {
            let docs = (try? Self.health(osmem)) ?? []
            return Self.sum(docs, "relay", "indexed") + Self.sum(docs, "relay", "dropped") >= sent
                && Self.sum(docs, "relay", "indexed") == Self.sum(docs, "relay", "received")
        })
        let metrics = httpGet(port: metricsPort, "/metrics")?.body ?? ""
        kill(ship.processIdentifier, SIGTERM)
        ship.waitUntilExit()

        let docs = try Self.health(osmem)
        let dropped = Self.sum(docs, "relay", "dropped"), indexed = Self.sum(docs, "relay", "indexed")
        // A spooled input's `received` is what it read back from its spool: every line arrived is either that or dropped.
        #expect(Self.sum(docs, "relay", "received") + dropped == sent)
        #expect(indexed == Self.sum(docs, "relay", "received"))
        #expect(dropped > 0, "the spool held at most 128 KiB of ~800 KB")
        #expect(indexed + dropped == sent, "indexed \(indexed) + dropped \(dropped)")
        #expect(try osmem.count("logs-*") == indexed)
        #expect(metricValue(metrics, "logbridge_input_dropped_total{input=\"relay\",type=\"syslog\"}") == Double(dropped))
    }
}

/// The value of an unlabelled Prometheus sample.
private func metricValue(_ text: String, _ name: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.split(separator: " ").last ?? "")
    }
    return nil
}
