@testable import Bulk
import Testing

@Suite struct ResponseScannerTests {
    func scan(_ s: String) -> BulkResponse? { BulkResponseScanner.scan(Array(s.utf8)) }

    @Test func errorsFalseIsAllSucceededWithoutReadingItems() {
        #expect(scan(#"{"took":3,"errors":false,"items":[{"create":{"_index":"a","_id":"1","status":201}}]}"#) == .allSucceeded)
        // Items before errors (key order is not guaranteed) still works.
        #expect(scan(#"{"items":[{"create":{"status":201}}],"errors":false,"took":1}"#) == .allSucceeded)
    }

    @Test func errorsFalseWithoutItemsIsNotABulkResponse() {
        #expect(scan(#"{"took":3,"errors":false}"#) == nil)
    }

    @Test func mixedStatusesAreReadInOrder() {
        let body = #"""
        {"took":5,"errors":true,"items":[
          {"create":{"_index":"a","_id":"1","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"status":201}},
          {"create":{"_index":"a","_id":"2","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[2]: version conflict, document already exists (current version [1])","index":"a","shard":"0"}}},
          {"index":{"_index":"a","_id":"3","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected"}}},
          {"create":{"_index":"a","_id":"4","status":503,"error":"unavailable"}}
        ]}
        """#
        #expect(scan(body) == .items([
            BulkItemResult(status: 201),
            BulkItemResult(status: 409, errorType: "version_conflict_engine_exception",
                           errorReason: "[2]: version conflict, document already exists (current version [1])"),
            BulkItemResult(status: 429, errorType: "es_rejected_execution_exception", errorReason: "rejected"),
            BulkItemResult(status: 503, errorType: nil, errorReason: "unavailable"),
        ]))
    }

    @Test func nestedErrorObjectsWithEscapedQuotes() {
        let body = #"""
        {"errors":true,"items":[{"create":{"_index":"b","_id":"x\"y","error":{"caused_by":{"type":"illegal_argument_exception","reason":"For input string: \"abc\" {not: [json]}","caused_by":{"type":"deep","reason":"\\"}},"reason":"failed to parse field [host.name] of type [long]: 'a\"b' \u00e9 \ud83d\ude00","type":"mapper_parsing_exception"},"status":400}}]}
        """#
        #expect(scan(body) == .items([
            BulkItemResult(status: 400, errorType: "mapper_parsing_exception",
                           errorReason: "failed to parse field [host.name] of type [long]: 'a\"b' é 😀"),
        ]))
    }

    @Test(arguments: [
        "", "null", "[]", "{}", "<html>502 Bad Gateway</html>", "{\"errors\":maybe,\"items\":[]}",
        "{\"errors\":true,\"items\":[{\"create\":{\"_id\":\"1\"}}]}",  // no status
        "{\"errors\":true,\"items\":[{\"create\":{\"status\":201}},]}", "\u{0}\u{1}{{{{[[[[\"",
        String(repeating: "[", count: 100_000), String(repeating: "{\"a\":", count: 50_000),
    ])
    func garbageIsRejectedWithoutCrashing(_ body: String) {
        #expect(scan(body) == nil)
    }

    @Test func everyTruncationOfAValidResponseIsRejected() {
        let full = #"{"took":5,"errors":true,"items":[{"create":{"_id":"1","status":201}},{"create":{"_id":"2","status":400,"error":{"type":"t","reason":"r \" }"}}}]}"#
        let bytes = Array(full.utf8)
        #expect(BulkResponseScanner.scan(bytes) != nil)
        for n in 0..<bytes.count {
            #expect(BulkResponseScanner.scan(Array(bytes[0..<n])) == nil, "prefix of \(n) bytes")
        }
    }

    @Test func wholeRequestErrorTypeAndReason() {
        let body = Array(#"{"error":{"root_cause":[{"type":"x","reason":"y"}],"type":"illegal_argument_exception","reason":"The bulk request must be terminated by a newline [\\n]"},"status":400}"#.utf8)
        let error = BulkResponseScanner.requestError(body)
        #expect(error?.type == "illegal_argument_exception")
        #expect(error?.reason == #"The bulk request must be terminated by a newline [\n]"#)
        #expect(BulkResponseScanner.requestError(Array("nope".utf8)) == nil)
    }
}
