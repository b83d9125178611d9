import Bulk
import Config
import Foundation
import Pipeline
import Testing

/// Whole-request and per-item failures, driven by a real TCP server scripted per test.
@Suite struct FailureHandlingTests {
    /// Thread-safe log of what the server saw.
    final class Seen: @unchecked Sendable {
        let lock = NSLock()
        var requests: [[String]] = []   // ids per _bulk request
        var statuses: [Int] = []        // whole-request status answered
        var itemAnswers: [String: [Int]] = [:]
        func record(_ ids: [String], _ status: Int) { lock.lock(); requests.append(ids); statuses.append(status); lock.unlock() }
        func answer(_ id: String, _ s: Int) { lock.lock(); itemAnswers[id, default: []].append(s); lock.unlock() }
        func snapshot() -> ([[String]], [Int], [String: [Int]]) { lock.lock(); defer { lock.unlock() }; return (requests, statuses, itemAnswers) }
    }

    @Test func only429ItemsAreRetried413SplitsAnd500RetriesTheWhole() throws {
        let seen = Seen()
        let template = makeBatch(index: "x", count: 10)
        let sizeLimit = template.body.count * 6 / 10  // half a batch fits, the whole does not
        let flaky: Set<String> = ["doc-3", "doc-7"]
        let server = try TinyHTTPServer { request in
            let ids = bulkTargets(request.body).map(\.id)
            seen.lock.lock(); let first = seen.requests.isEmpty; seen.lock.unlock()
            if first { seen.record(ids, 500); return (500, #"{"error":{"type":"boom","reason":"once"},"status":500}"#) }
            if request.body.count > sizeLimit { seen.record(ids, 413); return (413, "") }
            seen.record(ids, 200)
            let statuses = ids.map { id -> Int in
                let before = seen.snapshot().2[id] ?? []
                let s = flaky.contains(id) && before.isEmpty ? 429 : 201
                seen.answer(id, s)
                return s
            }
            return (200, bulkAnswer(statuses))
        }
        defer { server.close() }
        var settings = fastSettings(hosts: [server.url])
        settings.compression = .none
        settings.maxInFlight = 1
        let outcomes = Outcomes()
        let output = try BulkOutput(settings: settings, stateDirectory: try temporaryDirectory(), logger: testLogger,
                                onComplete: outcomes.handler)
        output.start()
        defer { output.stop() }
        output.submit(template)
        let outcome = try #require(outcomes.wait(for: 1)?.first)
        #expect(outcome.indexed == 10 && outcome.duplicates == 0 && outcome.deadLettered == 0)
        #expect(outcome.retried == 10 + 2)

        let (requests, statuses, answers) = seen.snapshot()
        let all = (0..<10).map { "doc-\($0)" }
        #expect(Array(statuses.prefix(2)) == [500, 413])
        #expect(requests[0] == all && requests[1] == all)
        #expect(requests[2] == Array(all[0..<5]) && requests[3] == Array(all[5..<10]))
        // After the split, only the refused item of each half travels again, once.
        #expect(Set(requests.dropFirst(4)) == [["doc-3"], ["doc-7"]])
        #expect(requests.count == 6)
        for id in all { #expect(answers[id] == (flaky.contains(id) ? [429, 201] : [201]), "\(id)") }
        #expect(output.stats.failedRequests == 2)
        #expect(output.stats.retriedItems == 12)
    }

    @Test func rejectedWholeRequestIsDeadLetteredAndAFailingDeadLetterIndexFallsBackToTheFile() throws {
        let seen = Seen()
        let server = try TinyHTTPServer { request in
            let targets = bulkTargets(request.body)
            seen.record(targets.map(\.id), 0)
            if targets.allSatisfy({ $0.index.hasPrefix("logbridge-dlq-") }) {
                // The dead-letter index takes the first one and rejects the rest.
                return (200, bulkAnswer(targets.indices.map { $0 == 0 ? 201 : 400 }))
            }
            return (400, #"{"error":{"type":"illegal_argument_exception","reason":"malformed \"x\""},"status":400}"#)
        }
        defer { server.close() }
        var settings = fastSettings(hosts: [server.url])
        settings.compression = .none
        let state = try temporaryDirectory()
        let outcomes = Outcomes()
        let output = try BulkOutput(settings: settings, stateDirectory: state, logger: testLogger, onComplete: outcomes.handler)
        output.start()
        defer { output.stop() }
        let batch = makeBatch(index: "x", count: 3)
        output.submit(batch)
        let outcome = try #require(outcomes.wait(for: 1)?.first)
        #expect(outcome.deadLettered == 3 && outcome.indexed == 0)

        let path = state + "/dead-letter.ndjson"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        for (n, line) in lines.enumerated() {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let i = n + 1
            #expect((json["event"] as? [String: Any])?["original"] as? String
                    == String(decoding: batch.documentLine(i).dropLast(), as: UTF8.self))
            #expect((json["error"] as? [String: Any])?["message"] as? String == "malformed \"x\"")
            #expect((json["logbridge"] as? [String: Any])?["id"] as? String == "doc-\(i)")
        }
        let (requests, _, _) = seen.snapshot()
        #expect(requests.count == 2, "the rejected request is not retried; one dead-letter request follows")
    }

    @Test func garbageResponseIsRetriedNotTrusted() throws {
        let seen = Seen()
        let server = try TinyHTTPServer { request in
            let ids = bulkTargets(request.body).map(\.id)
            seen.lock.lock(); let n = seen.requests.count; seen.lock.unlock()
            seen.record(ids, 200)
            if n == 0 { return (200, #"{"took":1,"errors":false,"ite"#) }  // truncated
            return (200, bulkAnswer(ids.map { _ in 201 }))
        }
        defer { server.close() }
        var settings = fastSettings(hosts: [server.url])
        settings.compression = .none
        let outcomes = Outcomes()
        let output = try BulkOutput(settings: settings, stateDirectory: try temporaryDirectory(), logger: testLogger, onComplete: outcomes.handler)
        output.start()
        defer { output.stop() }
        output.submit(makeBatch(index: "x", count: 4))
        let outcome = try #require(outcomes.wait(for: 1)?.first)
        #expect(outcome.indexed == 4 && outcome.retried == 4)
        #expect(seen.snapshot().0.count == 2)
    }

    @Test func stopAbandonsUnfinishedBatchesWithoutCompletingThem() throws {
        // A server that never answers in time: the batch stays in flight until stop.
        let server = try TinyHTTPServer { _ in Thread.sleep(forTimeInterval: 3); return (200, bulkAnswer([201])) }
        defer { server.close() }
        var settings = fastSettings(hosts: [server.url])
        settings.compression = .none
        let outcomes = Outcomes()
        let output = try BulkOutput(settings: settings, stateDirectory: try temporaryDirectory(), logger: testLogger, onComplete: outcomes.handler)
        output.start()
        output.submit(makeBatch(index: "x", count: 1))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(output.stats.inFlight == 1)
        output.stop()
        #expect(outcomes.wait(for: 1, timeout: 0.5) == nil)
        output.submit(makeBatch(index: "x", count: 1, sequence: 2))  // ignored, does not block
    }
}
