import Config
import TestSupport
import ECS
import Foundation
import Logging
import Pipeline
import Testing
import Inputs
@testable import JournaldInput

/// Reads real journal files and checks the ECS documents field by field.
@Suite struct JournaldInputTests {
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var batches: [Batch] = []
        func add(_ b: Batch) { lock.withLock { batches.append(b) } }
        var documents: [[String: Any]] {
            lock.withLock {
                batches.flatMap { b in (0..<b.count).map { i in
                    (try? JSONSerialization.jsonObject(with: Data(b.documentLine(i)))) as? [String: Any] ?? [:]
                } }
            }
        }
        var actions: [[String: String]] {
            lock.withLock {
                batches.flatMap { b in (0..<b.count).map { i in
                    let o = (try? JSONSerialization.jsonObject(with: Data(b.actionLine(i)))) as? [String: [String: String]]
                    return o?["create"] ?? [:]
                } }
            }
        }
    }

    func run(_ settings: JournaldInputSettings, checkpoint: Checkpoint? = nil, maxDocs: Int = 1000) throws -> (Collected, JournaldInput) {
        var out = OutputSettings()
        out.batch.maxDocuments = maxDocs
        let collected = Collected()
        let ctx = InputContext(once: true, output: out, agent: AgentInfo(name: "shipper01", id: "m1"),
                               logger: Logger(label: "test"), checkpoint: checkpoint,
                               submit: { collected.add($0) }, isStopping: { false })
        let input = JournaldInput(settings: settings)
        try input.run(ctx)
        return (collected, input)
    }

    static let boot = "0b5e5f3a9c2d4e1f8a7b6c5d4e3f2a1b"
    static let machine = "f00dcafe0123456789abcdef01234567"

    static func base(_ realtime: Int, _ extra: [(String, String)]) -> [(String, String)] {
        [("__REALTIME_TIMESTAMP", "\(realtime)"), ("__MONOTONIC_TIMESTAMP", "\(realtime - 1_795_900_000_000_000)"),
         ("_BOOT_ID", boot), ("_MACHINE_ID", machine), ("_HOSTNAME", "flp042")] + extra
    }

    @Test func mapsEveryKnownFieldToECS() throws {
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write([JournalFixture.entry(Self.base(1_795_912_022_760_665, [
            ("MESSAGE", "Non-contiguous timeframe IDs \"42\""), ("PRIORITY", "3"), ("SYSLOG_FACILITY", "16"),
            ("SYSLOG_IDENTIFIER", "readout"), ("SYSLOG_PID", "12345"), ("_PID", "12345"), ("TID", "12350"),
            ("_COMM", "o2-readout-exe"), ("_EXE", "/opt/o2/bin/o2-readout-exe"),
            ("_CMDLINE", "/opt/o2/bin/o2-readout-exe file:/etc/o2/readout.cfg"), ("_UID", "1001"), ("_GID", "1001"),
            ("_SYSTEMD_UNIT", "readout.service"), ("_SYSTEMD_SLICE", "system.slice"),
            ("_SYSTEMD_CGROUP", "/system.slice/readout.service"), ("_SYSTEMD_INVOCATION_ID", "abcd"),
            ("_TRANSPORT", "journal"), ("CODE_FILE", "ReadoutEquipment.cxx"), ("CODE_LINE", "212"),
            ("CODE_FUNC", "loop"), ("MESSAGE_ID", "fc2e22bc6ee647b6b90729ab34a250b1"),
            ("O2_RUN", "551234"), ("O2_DETECTOR", "TPC"),
        ]))], name: "one")
        let (c, input) = try run(JournaldInputSettings(id: "t", source: .directory(fx.directory)))
        let docs = c.documents
        try #require(docs.count == 1)
        let d = docs[0]
        #expect(d["@timestamp"] as? String == "2026-11-29T00:27:02.760665Z")
        #expect(d["message"] as? String == "Non-contiguous timeframe IDs \"42\"")
        let log = d["log"] as? [String: Any]
        #expect(log?["level"] as? String == "err")
        let syslog = log?["syslog"] as? [String: Any]
        #expect(syslog?["priority"] as? Int == 16 * 8 + 3)
        #expect((syslog?["severity"] as? [String: Any])?["code"] as? Int == 3)
        #expect((syslog?["severity"] as? [String: Any])?["name"] as? String == "err")
        #expect((syslog?["facility"] as? [String: Any])?["name"] as? String == "local0")
        #expect(syslog?["appname"] as? String == "readout")
        #expect(syslog?["procid"] as? String == "12345")
        let origin = log?["origin"] as? [String: Any]
        #expect((origin?["file"] as? [String: Any])?["name"] as? String == "ReadoutEquipment.cxx")
        #expect((origin?["file"] as? [String: Any])?["line"] as? Int == 212)
        #expect(origin?["function"] as? String == "loop")
        #expect((d["host"] as? [String: Any])?["name"] as? String == "flp042")
        #expect((d["host"] as? [String: Any])?["id"] as? String == Self.machine)
        let process = d["process"] as? [String: Any]
        #expect(process?["pid"] as? Int == 12345)
        #expect(process?["name"] as? String == "o2-readout-exe")
        #expect(process?["executable"] as? String == "/opt/o2/bin/o2-readout-exe")
        #expect(process?["command_line"] as? String == "/opt/o2/bin/o2-readout-exe file:/etc/o2/readout.cfg")
        #expect((process?["thread"] as? [String: Any])?["id"] as? Int == 12350)
        #expect((d["user"] as? [String: Any])?["id"] as? String == "1001")
        #expect((d["group"] as? [String: Any])?["id"] as? String == "1001")
        let systemd = d["systemd"] as? [String: Any]
        #expect(systemd?["unit"] as? String == "readout.service")
        #expect(systemd?["slice"] as? String == "system.slice")
        #expect(systemd?["cgroup"] as? String == "/system.slice/readout.service")
        #expect(systemd?["invocation_id"] as? String == "abcd")
        let journald = d["journald"] as? [String: Any]
        #expect(journald?["boot_id"] as? String == Self.boot)
        #expect(journald?["transport"] as? String == "journal")
        #expect(journald?["message_id"] as? String == "fc2e22bc6ee647b6b90729ab34a250b1")
        #expect(journald?["monotonic_timestamp"] as? Int == 1_795_912_022_760_665 - 1_795_900_000_000_000)
        let custom = journald?["custom"] as? [String: Any]
        #expect(custom?["o2_run"] as? String == "551234")
        #expect(custom?["o2_detector"] as? String == "TPC")
        #expect((d["event"] as? [String: Any])?["dataset"] as? String == "system.journal")
        #expect((d["agent"] as? [String: Any])?["type"] as? String == "logbridge")
        #expect((d["agent"] as? [String: Any])?["name"] as? String == "shipper01")
        #expect((d["ecs"] as? [String: Any])?["version"] as? String == "8.11.0")
        #expect(d["tags"] == nil)

        let action = c.actions[0]
        #expect(action["_index"] == "logs-system.journal-2026.11.29")
        #expect(action["_id"]?.count == 22)
        #expect(input.counters.read.load(ordering: .relaxed) == 1)
        #expect(input.counters.malformed.load(ordering: .relaxed) == 0)
    }

    @Test func binarySafeAndOddInputIsShippedAndTagged() throws {
        let fx = try JournalFixture(); defer { fx.remove() }
        var multi = JournalFixture.entry(Self.base(1_795_912_000_000_000, [("PRIORITY", "4"), ("_TRANSPORT", "kernel"),
                                                                             ("SYSLOG_IDENTIFIER", "kernel")]))
        multi.append(("MESSAGE", Array("line one\nline two\ttabbed".utf8)))
        var bad = JournalFixture.entry(Self.base(1_795_912_000_000_001, [("_PID", "12ab")]))
        bad.append(("MESSAGE", [0x6F, 0x6B, 0xFF, 0xFE, 0x21]))
        let big = String(repeating: "x", count: 200_000)
        let long = JournalFixture.entry(Self.base(1_795_912_000_000_002, [("MESSAGE", big), ("PRIORITY", "6"),
                                                                           ("_SOURCE_REALTIME_TIMESTAMP", "1795911999000007")]))
        try fx.write([multi, bad, long], name: "odd")
        let (c, input) = try run(JournaldInputSettings(id: "t", source: .files([fx.directory + "/*.journal"])))
        let docs = c.documents
        try #require(docs.count == 3)
        #expect(docs[0]["message"] as? String == "line one\nline two\ttabbed")
        let log0 = docs[0]["log"] as? [String: Any]
        #expect(((log0?["syslog"] as? [String: Any])?["facility"] as? [String: Any])?["name"] as? String == "kern")
        #expect((docs[0]["process"] as? [String: Any])?["name"] as? String == "kernel")
        #expect(docs[1]["message"] as? String == "ok\u{FFFD}\u{FFFD}!")
        let tags = docs[1]["tags"] as? [String] ?? []
        #expect(tags.contains("journald_invalid_utf8"))
        #expect(tags.contains("journald_invalid_number"))
        #expect((docs[1]["process"] as? [String: Any])?["pid"] == nil)
        #expect((docs[2]["message"] as? String)?.count == 200_000)
        #expect(docs[2]["@timestamp"] as? String == "2026-11-29T00:26:39.000007Z")
        #expect(input.counters.malformed.load(ordering: .relaxed) == 1)
    }

    @Test func customFieldsAreBounded() throws {
        let fx = try JournalFixture(); defer { fx.remove() }
        let many = (0..<80).map { ("APP_FIELD_\($0)", "v\($0)") }
        try fx.write([JournalFixture.entry(Self.base(1_795_912_000_000_000, [("MESSAGE", "m")] + many))], name: "many")
        var s = JournaldInputSettings(id: "t", source: .directory(fx.directory))
        s.maxCustomFields = 10
        let (c, _) = try run(s)
        let doc = try #require(c.documents.first)
        let custom = (doc["journald"] as? [String: Any])?["custom"] as? [String: Any]
        #expect(custom?.count == 10)
        #expect((doc["tags"] as? [String])?.contains("journald_custom_fields_truncated") == true)
    }

    @Test func batchesCarryTheLastCursorAndResumeAfterIt() throws {
        let fx = try JournalFixture(); defer { fx.remove() }
        let entries = (0..<25).map { i in
            JournalFixture.entry(Self.base(1_795_912_000_000_000 + i * 1000, [("MESSAGE", "entry \(i)"), ("PRIORITY", "6")]))
        }
        try fx.write(entries, name: "seq")
        let settings = JournaldInputSettings(id: "t", source: .directory(fx.directory))
        let (all, _) = try run(settings, maxDocs: 10)
        #expect(all.batches.map(\.count) == [10, 10, 5])
        #expect(all.batches.map(\.sequence) == [1, 2, 3])
        let ids = Set(all.actions.compactMap { $0["_id"] })
        #expect(ids.count == 25)

        // Resume after the first batch's checkpoint: exactly the 15 later entries, same ids as before.
        let (rest, _) = try run(settings, checkpoint: all.batches[0].checkpoint, maxDocs: 10)
        #expect(rest.documents.map { $0["message"] as? String } == (10..<25).map { "entry \($0)" })
        #expect(Set(rest.actions.compactMap { $0["_id"] }).isSubset(of: ids))

        // The last checkpoint leaves nothing to read.
        let (none, _) = try run(settings, checkpoint: all.batches[2].checkpoint)
        #expect(none.documents.isEmpty)
    }

    @Test func vanishedCheckpointResumesAtOldestAndIsCounted() throws {
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write((0..<3).map { JournalFixture.entry(Self.base(1_795_912_000_000_000 + $0, [("MESSAGE", "m\($0)")])) }, name: "v")
        let gone = Checkpoint("s=00000000000000000000000000000001;i=99;b=\(Self.boot);m=1;t=1;x=1")
        let (c, input) = try run(JournaldInputSettings(id: "t", source: .directory(fx.directory)), checkpoint: gone)
        #expect(c.documents.count == 3)
        #expect(input.counters.checkpointsLost.load(ordering: .relaxed) == 1)
    }

    @Test func matchesSelectOneUnit() throws {
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write([
            JournalFixture.entry(Self.base(1_795_912_000_000_000, [("MESSAGE", "a"), ("_SYSTEMD_UNIT", "sshd.service")])),
            JournalFixture.entry(Self.base(1_795_912_000_000_001, [("MESSAGE", "b"), ("_SYSTEMD_UNIT", "readout.service")])),
            JournalFixture.entry(Self.base(1_795_912_000_000_002, [("MESSAGE", "c"), ("_SYSTEMD_UNIT", "sshd.service")])),
        ], name: "m")
        let (c, _) = try run(JournaldInputSettings(id: "t", source: .directory(fx.directory), matches: ["_SYSTEMD_UNIT=sshd.service"]))
        #expect(c.documents.map { $0["message"] as? String } == ["a", "c"])
    }
}
