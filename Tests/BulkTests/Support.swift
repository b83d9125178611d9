import Bulk
import Config
import Foundation
import Logging
import Pipeline
import TestSupport

/// `count` documents for `index` with ids `<prefix>-<n>`, built the way inputs build them.
func makeBatch(index: String, count: Int, idPrefix: String = "doc", sequence: UInt64 = 1, inputID: String = "test",
               hostName: (Int) -> String = { "host-\($0 % 3)" }) -> Batch {
    var builder = BatchBuilder(inputID: inputID, maxDocuments: count + 1, maxBytes: 64 << 20, firstSequence: sequence)
    for i in 0..<count {
        builder.append(
            writeAction: { $0.append(contentsOf: #"{"create":{"_index":"\#(index)","_id":"\#(idPrefix)-\#(i)"}}"#.utf8) },
            writeDocument: { $0.append(contentsOf: #"{"@timestamp":"2024-01-02T03:04:05.000Z","message":"hello \"\#(i)\"","host":{"name":"\#(hostName(i))"}}"#.utf8) })
    }
    return builder.take(checkpoint: Checkpoint("cursor-\(sequence)"))
}

func fastSettings(hosts: [String]) -> OutputSettings {
    var s = OutputSettings()
    s.hosts = hosts
    s.retry = RetrySettings(initialBackoffSeconds: 0.05, maxBackoffSeconds: 0.3)
    s.connectTimeoutSeconds = 2
    s.requestTimeoutSeconds = 10
    return s
}

/// Collects `onComplete` calls and lets a test wait for them with a deadline instead of hanging.
final class Outcomes: @unchecked Sendable {
    private let condition = NSCondition()
    private var list: [BatchOutcome] = []

    var handler: @Sendable (BatchOutcome) -> Void { { outcome in self.add(outcome) } }

    private func add(_ o: BatchOutcome) {
        condition.lock(); list.append(o); condition.broadcast(); condition.unlock()
    }

    /// All outcomes once at least `count` arrived, or nil after `timeout` seconds.
    func wait(for count: Int, timeout: Double = 20) -> [BatchOutcome]? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while list.count < count { if !condition.wait(until: deadline) { return nil } }
        return list
    }

    var all: [BatchOutcome] { condition.lock(); defer { condition.unlock() }; return list }
}

let testLogger = Logger(label: "bulk-tests")

func jsonObject(_ r: HTTPResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
}

func count(_ client: ClusterClient, _ index: String) throws -> Int {
    _ = try client.request("POST", "/\(index)/_refresh")
    let r = try client.request("GET", "/\(index)/_count")
    return jsonObject(r)["count"] as? Int ?? -1
}

func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "lb-bulk-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
