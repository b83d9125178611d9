import Foundation
import Testing
import TestSupport

/// journald files → `logbridge ship` → a real osmem-server, checked by querying the engine.
@Suite(.serialized) struct ShipEndToEndTests {
    @Test func shipsEveryEntryOnceAndFieldsArriveIntact() throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(numberedEntries(300), name: "farm")
        let h = try ShipperHarness(clusterURL: osmem.url, journalDirectory: fx.directory, batchDocs: 64)
        defer { h.remove() }

        let setup = try h.setup()
        #expect(setup.status == 0, "\(setup.stdout)\(setup.stderr)")

        let first = try h.shipOnce()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.summary["read"] == 300)
        #expect(first.summary["indexed"] == 300)
        #expect(first.summary["failed"] == 0)

        let docs = try osmem.documents("logs-system.journal-*")
        #expect(docs.count == 300)
        let byMessage = Dictionary(docs.map { ($0.source["message"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byMessage.count == 300)
        let d = try #require(byMessage["entry 11"]).source
        #expect(d["@timestamp"] as? String == "2026-11-29T00:26:40.011000Z")
        #expect((d["host"] as? [String: Any])?["name"] as? String == "flp004")
        #expect(((d["log"] as? [String: Any])?["level"]) as? String == "err")
        #expect((d["process"] as? [String: Any])?["pid"] as? Int == 1003)
        #expect((d["systemd"] as? [String: Any])?["unit"] as? String == "readout.service")
        #expect((d["event"] as? [String: Any])?["dataset"] as? String == "system.journal")

        // A second run resumes after the checkpoint: nothing new to read.
        let second = try h.shipOnce()
        #expect(second.status == 0)
        #expect(second.summary["read"] == 0)

        // Losing the checkpoint re-sends everything; deterministic ids make it 300 duplicates, not 300 new documents.
        try FileManager.default.removeItem(atPath: h.checkpointPath)
        let replay = try h.shipOnce()
        #expect(replay.status == 0)
        #expect(replay.summary["duplicates"] == 300)
        #expect(replay.summary["indexed"] == 0)
        #expect(try osmem.count("logs-system.journal-*") == 300)
    }

    @Test func restartAfterPartialDeliveryResumesWithoutGapOrDuplicate() throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        let total = 3000
        try fx.write(numberedEntries(total), name: "farm")
        let h = try ShipperHarness(clusterURL: osmem.url, journalDirectory: fx.directory, batchDocs: 50, inFlight: 1,
                                   compression: "none")
        defer { h.remove() }

        // Kill -9 once a checkpoint is on disk, i.e. part of the journal was acknowledged and part was not.
        let p = try h.start(["ship", "--once", "--config", h.configPath])
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: h.checkpointPath) && p.isRunning && Date() < deadline { usleep(5_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let indexedBefore = try osmem.count("logs-system.journal-*")
        #expect(indexedBefore > 0 && indexedBefore < total, "the kill should land mid-run (indexed \(indexedBefore))")

        let rest = try h.shipOnce()
        #expect(rest.status == 0, "\(rest.stderr)")
        let read = rest.summary["read"] ?? -1
        #expect(read < total, "resumed from the checkpoint, not from the start")
        #expect(read >= total - indexedBefore, "every entry not indexed before the crash was read again")
        // Entries indexed after the last checkpoint are re-sent and answered 409: counted, not duplicated.
        #expect((rest.summary["indexed"] ?? 0) + (rest.summary["duplicates"] ?? 0) == read)

        let messages = try osmem.documents("logs-system.journal-*").compactMap { $0.source["message"] as? String }
        #expect(messages.count == total)
        #expect(Set(messages) == Set((0..<total).map { "entry \($0)" }))
    }

    @Test func mappingConflictLandsInTheDeadLetterIndex() throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(numberedEntries(20), name: "farm")
        // Another tool created today's index with host.name as a number: every document conflicts.
        let created = try osmem.request("PUT", "/logs-system.journal-2026.11.29",
                                         body: #"{"mappings":{"properties":{"host":{"properties":{"name":{"type":"long"}}}}}}"#)
        #expect(created.status == 200)
        let h = try ShipperHarness(clusterURL: osmem.url, journalDirectory: fx.directory)
        defer { h.remove() }

        let r = try h.shipOnce()
        #expect(r.status == 0, "dead-lettered documents are delivered, not failed: \(r.stderr)")
        #expect(r.summary["dead_lettered"] == 20)
        #expect(r.summary["failed"] == 0)
        let dead = try osmem.documents("logbridge-dlq-*")
        #expect(dead.count == 20)
        let original = try #require(dead.first?.source["event"] as? [String: Any])["original"] as? String
        let parsed = try JSONSerialization.jsonObject(with: Data((original ?? "").utf8)) as? [String: Any]
        #expect((parsed?["message"] as? String)?.hasPrefix("entry ") == true)
        #expect(((dead.first?.source["error"] as? [String: Any])?["type"] as? String)?.contains("mapper") == true)
        #expect(try osmem.count("logs-system.journal-2026.11.29") == 0)
    }

    @Test func unreachableClusterIsRetriedUntilItComesBack() throws {
        let port = freePort()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(numberedEntries(120), name: "farm")
        let h = try ShipperHarness(clusterURL: "http://127.0.0.1:\(port)", journalDirectory: fx.directory, batchDocs: 40)
        defer { h.remove() }

        let p = try h.start(["ship", "--once", "--config", h.configPath])
        sleep(3)
        #expect(p.isRunning, "the shipper waits for the cluster instead of giving up")
        #expect(!FileManager.default.fileExists(atPath: h.checkpointPath), "nothing acknowledged, nothing checkpointed")
        let osmem = try OsmemServer(port: port)
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let text = h.startedStdout
        #expect(text.contains("indexed=120"))
        #expect(try osmem.count("logs-system.journal-*") == 120)
    }
}
