@testable import Bulk
import Foundation
import Testing
import TestSupport

@Suite struct DeadLetterTests {
    @Test func documentIsValidJSONAndKeepsTheOriginalByteForByte() throws {
        let original = #"{"message":"quote \" backslash \\ tab\t ctrl \u0001 é 😀","host":{"name":"web-1"}}"#
        let letter = DeadLetter(original: ArraySlice(Array((original + "\n").utf8)),
                                errorType: "mapper_parsing_exception",
                                errorMessage: "failed to parse field [host.name]: \"web-1\"\n",
                                target: ActionTarget(actionLine: ArraySlice(Array(#"{"create":{"_index":"logs-a-2024.01.02","_id":"abc\"1"}}"#.utf8))),
                                inputID: "journal")
        let bytes = letter.document(timestamp: "2024-01-02T03:04:05.678Z")
        let json = try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let event = try #require(json["event"] as? [String: Any])
        #expect(event["original"] as? String == original)
        #expect(event["kind"] as? String == "pipeline_error")
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["type"] as? String == "mapper_parsing_exception")
        #expect(error["message"] as? String == "failed to parse field [host.name]: \"web-1\"\n")
        let meta = try #require(json["logbridge"] as? [String: Any])
        #expect(meta["index"] as? String == "logs-a-2024.01.02")
        #expect(meta["id"] as? String == "abc\"1")
        #expect(meta["input"] as? String == "journal")
        #expect(json["@timestamp"] as? String == "2024-01-02T03:04:05.678Z")
        #expect(!bytes.contains(0x0A), "one NDJSON line")
    }

    @Test func actionLineReusesTheOriginalID() throws {
        let letter = DeadLetter(original: [], errorType: "t", errorMessage: "m",
                                target: ActionTarget(index: "i", id: "x\\y"), inputID: "in")
        let line = letter.actionLine(deadLetterIndex: "logbridge-dlq-2024.01.02")
        let json = try #require(JSONSerialization.jsonObject(with: Data(line)) as? [String: [String: String]])
        #expect(json["create"] == ["_index": "logbridge-dlq-2024.01.02", "_id": "x\\y"])
    }

    @Test func actionTargetReadsIndexAndIDInAnyOrder() {
        let t = ActionTarget(actionLine: ArraySlice(Array(#"{ "index" : { "_id" : "7", "routing":{"x":[1]}, "_index" : "logs" } }"#.utf8)))
        #expect(t == ActionTarget(index: "logs", id: "7"))
        #expect(ActionTarget(actionLine: ArraySlice(Array("garbage".utf8))) == ActionTarget(index: nil, id: nil))
    }

    @Test func gzipRoundTripsThroughGzip() throws {
        let input = Array(String(repeating: "{\"message\":\"hello world\"}\n", count: 1000).utf8)
        let z = try #require(RequestBody.gzipped(input))
        #expect(z.count < input.count / 10)
        #expect(Array(z.bytes.prefix(2)) == [0x1F, 0x8B])
        let gunzipped = try gunzip(z.bytes)
        #expect(gunzipped == input)
    }

    /// A body that does not compress (random bytes, 3 MB: several 64 KiB stored blocks) and an empty one still
    /// fit the bound and come back whole.
    @Test func incompressibleAndEmptyBodiesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let z = try #require(RequestBody.gzipped(random))
        #expect(try gunzip(z.bytes) == random)
        let empty = try #require(RequestBody.gzipped([]))
        #expect(try gunzip(empty.bytes) == [])
    }

    private func gunzip(_ data: [UInt8]) throws -> [UInt8] {
        let dir = NSTemporaryDirectory() + "lb-gz-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/x.gz"
        try Data(data).write(to: URL(fileURLWithPath: path))
        try #require(try runCommand("/bin/gzip", ["-d", path]).status == 0)
        return Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/x")))
    }
}
