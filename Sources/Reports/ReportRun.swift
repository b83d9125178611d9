import Bulk
import Foundation
import JSON
import Setup

/// `report --run N`: the period of one data-taking run, from its InfoLogger messages (`infologger.run`).
public enum ReportRun {
    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    /// From the run's first InfoLogger message to just after its last: one `size: 0` search with `min`/`max`
    /// of `@timestamp` over the documents whose `infologger.run` is `run`. Throws `NotFound` naming the run when
    /// no message carries it, and the cluster's error when it cannot answer.
    public static func period(of run: Int, client: ClusterClient, logsIndex: String = "logs-*") throws -> (start: Double, end: Double) {
        let body = #"{"size":0,"query":{"term":{"infologger.run":\#(run)}},"aggs":{"first":{"min":{"field":"@timestamp"}},"last":{"max":{"field":"@timestamp"}}}}"#
        let response = try client.request("POST", "/\(logsIndex)/_search?ignore_unavailable=true&allow_no_indices=true",
                                          body: Array(body.utf8))
        guard response.isSuccess else {
            throw NotFound(description: "run \(run): the search for its messages answered HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        let answer = try JSONValue(parsing: response.body)
        guard let first = time(answer[path: "aggregations.first"]), let last = time(answer[path: "aggregations.last"]) else {
            throw NotFound(description: "run \(run): no InfoLogger message in \(logsIndex) carries infologger.run \(run); check the run number, or give the period with --from/--to")
        }
        // The period is [from, to): one millisecond past the last message keeps it in.
        return (first, last + 0.001)
    }

    private static func time(_ agg: JSONValue?) -> Double? {
        if let text = agg?["value_as_string"]?.stringValue, let t = ReportTime.parse(text) { return t }
        switch agg?["value"] {
        case .double(let ms)?: return ms / 1000
        case .int(let ms)?: return Double(ms) / 1000
        default: return nil
        }
    }
}
