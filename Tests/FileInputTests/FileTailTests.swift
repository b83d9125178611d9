import Config
import ECS
import Foundation
import Inputs
import Logging
import Pipeline
import Testing
import TestSupport
@testable import FileInput

/// The file input run as the shipper runs it, over real files that are appended, renamed and truncated.
final class FileRun: @unchecked Sendable {
    let input: FileTailInput
    private let lock = NSLock()
    private var docs: [[String: Any]] = []
    private var ids: [String] = []
    private(set) var lastCheckpoint: Checkpoint?
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)

    init(_ settings: FileInputSettings, once: Bool, checkpoint: Checkpoint? = nil) {
        input = FileTailInput(settings: settings)
        var output = OutputSettings()
        output.batch = BatchSettings(maxDocuments: 100, maxBytes: 1 << 20, flushIntervalSeconds: 0.05)
        let context = InputContext(
            once: once, output: output, agent: AgentInfo(name: "t", id: "t"), logger: Logger(label: "file-test"), checkpoint: checkpoint,
            submit: { [self] batch in
                lock.withLock {
                    for i in 0..<batch.count {
                        docs.append(try! JSONSerialization.jsonObject(with: Data(batch.documentLine(i))) as! [String: Any])
                        ids.append(String(decoding: batch.actionLine(i), as: UTF8.self))
                    }
                    lastCheckpoint = batch.checkpoint
                }
            },
            isStopping: { [self] in lock.withLock { stopping } })
        Thread { [self] in
            do { try input.run(context) } catch { print("file input failed: \(error)") }
            done.signal()
        }.start()
    }

    var documents: [[String: Any]] { lock.withLock { docs } }
    var actionLines: [String] { lock.withLock { ids } }
    var checkpoint: Checkpoint? { lock.withLock { lastCheckpoint } }
    var messages: [String] { documents.compactMap { $0["message"] as? String } }

    func waitFor(_ n: Int, timeout: Double = 15) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && documents.count < n { usleep(20_000) }
    }
    func finish() { done.wait() }
    func stop() { lock.withLock { stopping = true }; done.wait() }
}

func append(_ path: String, _ text: String) throws {
    let h = FileHandle(forWritingAtPath: path) ?? { FileManager.default.createFile(atPath: path, contents: nil); return FileHandle(forWritingAtPath: path)! }()
    h.seekToEndOfFile()
    h.write(Data(text.utf8))
    try h.close()
}

@Suite(.serialized) struct FileTailTests {
    func settings(_ dir: String, _ format: FileInputSettings.Format = .rfc3164) -> FileInputSettings {
        var s = FileInputSettings(id: "files")
        s.paths = [dir + "/*.log"]
        s.format = format
        s.timezone = "UTC"
        s.scanIntervalSeconds = 0.2
        s.pollIntervalSeconds = 0.02
        return s
    }

    @Test func onceReadsEveryFileAndResumesFromCheckpoint() throws {
        let dir = try temporaryDirectory("lb-file"); defer { try? FileManager.default.removeItem(atPath: dir) }
        try append(dir + "/a.log", (0..<150).map { "Nov 29 00:10:\(String(format: "%02d", $0 % 60)) flp042 readout[1234]: line a\($0)\n" }.joined())
        try append(dir + "/b.log", "Nov 29 00:10:13 flp043 kernel: b0\nthis is not syslog\n")
        try append(dir + "/ignored.txt", "Nov 29 00:10:13 x y: z\n")
        let first = FileRun(settings(dir), once: true)
        first.finish()
        #expect(first.documents.count == 152)
        #expect(first.input.counters.malformed.load(ordering: .relaxed) == 1)
        let a7 = try #require(first.documents.first { $0["message"] as? String == "line a7" })
        #expect((a7["host"] as? [String: Any])?["name"] as? String == "flp042")
        #expect(((a7["process"] as? [String: Any])?["pid"]) as? Int == 1234)
        #expect(((a7["log"] as? [String: Any])?["file"] as? [String: Any])?["path"] as? String == dir + "/a.log")
        #expect(a7["@timestamp"] as? String == "2026-11-29T00:10:07.000000Z")
        let bad = try #require(first.documents.first { $0["message"] as? String == "this is not syslog" })
        #expect((bad["tags"] as? [String]) == ["syslog_parse_failure"])
        #expect((bad["event"] as? [String: Any])?["original"] as? String == "this is not syslog")

        // Resume: only new lines, with new ids.
        try append(dir + "/a.log", "Nov 29 00:11:00 flp042 readout[1234]: late\n")
        let second = FileRun(settings(dir), once: true, checkpoint: first.checkpoint)
        second.finish()
        #expect(second.messages == ["late"])
        // Without a checkpoint everything is read again with the very same ids (the cluster answers 409).
        let replay = FileRun(settings(dir), once: true)
        replay.finish()
        #expect(Set(replay.actionLines).isSuperset(of: Set(first.actionLines)))
        #expect(replay.documents.count == 153)
    }

    /// With `poll_interval` 5 s and `scan_interval` 60 s only inotify can make these arrive within a second or
    /// two: a write to a followed file, and a rotation by rename-and-create (the new file is found by the event
    /// instead of the next re-glob). Nothing is lost or duplicated on the way.
    @Test func inotifyWakesTheIdleLoopAndFindsRotatedFilesAtOnce() throws {
        let dir = try temporaryDirectory("lb-inotify"); defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = settings(dir, .plain)
        s.pollIntervalSeconds = 5
        s.scanIntervalSeconds = 60
        let path = dir + "/app.log"
        try append(path, "line 0\n")
        let run = FileRun(s, once: false)
        defer { run.stop() }
        run.waitFor(1, timeout: 5)
        #expect(run.messages == ["line 0"])
        #expect(run.input.changes.usesInotify)
        usleep(300_000)   // the loop is asleep now, for up to 5 s without an event

        var t0 = Date()
        try append(path, "line 1\n")
        run.waitFor(2, timeout: 6)
        #expect(run.messages == ["line 0", "line 1"])
        #expect(Date().timeIntervalSince(t0) < 2, "a write must wake the loop, not wait for poll_interval")

        usleep(300_000)
        t0 = Date()
        try append(path, "line 2\n")
        #expect(rename(path, path + ".1") == 0)   // rename-and-create: the old name now matches no glob
        try append(path, "line 3\n")
        run.waitFor(4, timeout: 6)
        #expect(Date().timeIntervalSince(t0) < 2, "a created file must be found through the event, not at scan_interval")
        #expect(run.messages.sorted() == ["line 0", "line 1", "line 2", "line 3"])
        #expect(Set(run.actionLines).count == run.actionLines.count)
    }

    @Test func followsThroughRenameAndCopytruncateWithoutLossOrDuplicates() throws {
        let dir = try temporaryDirectory("lb-rot"); defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = settings(dir, .plain)
        s.paths = [dir + "/app.log"]
        let path = dir + "/app.log"
        try append(path, "")
        let run = FileRun(s, once: false)
        var n = 0
        func write(_ k: Int) throws { try append(path, (n..<(n + k)).map { "line \($0)\n" }.joined()); n += k }
        try write(100)
        run.waitFor(100)
        // Rename-and-create, with lines written to the old file after the rename.
        try FileManager.default.moveItem(atPath: path, toPath: dir + "/app.log.1")
        try append(dir + "/app.log.1", "line \(n)\n"); n += 1
        try write(50)
        run.waitFor(n, timeout: 10)
        // copytruncate: copy, truncate in place, keep writing.
        usleep(100_000)
        try FileManager.default.copyItem(atPath: path, toPath: dir + "/app.log.2")
        let fd = open(path, O_WRONLY | O_TRUNC); close(fd)
        try write(30)
        run.waitFor(n, timeout: 10)
        usleep(300_000)
        run.stop()
        let messages = run.messages
        #expect(messages.count == n, "expected \(n), got \(messages.count)")
        #expect(Set(messages) == Set((0..<n).map { "line \($0)" }))
        #expect(run.input.truncations.current >= 1)
    }

    @Test func multilineGroupsStackTracesWithLimits() throws {
        let dir = try temporaryDirectory("lb-ml"); defer { try? FileManager.default.removeItem(atPath: dir) }
        var s = settings(dir, .plain)
        var m = FileInputSettings.Multiline(mode: .start, pattern: "^[0-9]{4}-")
        m.maxLines = 3
        s.multiline = m
        try append(dir + "/java.log", """
            2026-11-29 first
            Exception in thread main
            \tat a.b(C.java:1)
            \tat d.e(F.java:2)
            \tat g.h(I.java:3)
            2026-11-29 second
            2026-11-29 third
            \tat x.y(Z.java:9)

            """)
        let run = FileRun(s, once: true)
        run.finish()
        let docs = run.documents
        #expect(docs.count == 3)
        #expect(docs[0]["message"] as? String == "2026-11-29 first\nException in thread main\n\tat a.b(C.java:1)")
        #expect((docs[0]["tags"] as? [String]) == ["multiline", "multiline_truncated"])
        #expect(docs[1]["message"] as? String == "2026-11-29 second")
        #expect(docs[2]["message"] as? String == "2026-11-29 third\n\tat x.y(Z.java:9)")
    }

    @Test func jsonLinesECSKeptOthersWrapped() throws {
        let dir = try temporaryDirectory("lb-json"); defer { try? FileManager.default.removeItem(atPath: dir) }
        try append(dir + "/app.log", """
            {"@timestamp":"2026-11-29T00:00:01.5Z","message":"ecs line","log":{"level":"warn"},"event":{"kind":"event"},"labels":{"run":"42"}}
            {"msg":"plain object","level":3}
            {not json

            """)
        let run = FileRun(settings(dir, .json), once: true)
        run.finish()
        let docs = run.documents
        #expect(docs.count == 3)
        let ecs = docs[0]
        #expect(ecs["@timestamp"] as? String == "2026-11-29T00:00:01.5Z")
        #expect((ecs["log"] as? [String: Any])?["level"] as? String == "warn")
        #expect((ecs["event"] as? [String: Any])?["kind"] as? String == "event")
        #expect((ecs["event"] as? [String: Any])?["dataset"] as? String == "system.file")
        #expect((ecs["labels"] as? [String: Any])?["run"] as? String == "42")
        #expect(docs[1]["message"] as? String == "plain object")
        #expect((docs[1]["event"] as? [String: Any])?["original"] as? String == #"{"msg":"plain object","level":3}"#)
        #expect((docs[2]["tags"] as? [String]) == ["json_parse_failure"])
        #expect(run.input.counters.malformed.load(ordering: .relaxed) == 1)
    }

    @Test func checkpointRoundTrip() {
        let cp = FileCheckpoint(entries: [.init(device: 2049, inode: 77, offset: 1234, fingerprint: .init(length: 1024, hash: (1, 0xFFFF_FFFF_FFFF_FFFF)),
                                                path: "/var/log/with space.log")])
        #expect(FileCheckpoint(cp.checkpoint) == cp)
        #expect(FileCheckpoint(Checkpoint("garbage")) == nil)
    }
}
