import Foundation
import JSON

/// One request setup sends (or, in a dry run, would send).
public struct SetupRequest: Sendable, Equatable, CustomStringConvertible {
    public var method: String
    /// Path and query, starting with `/`.
    public var path: String
    public var body: JSONValue?

    public init(method: String, path: String, body: JSONValue? = nil) {
        self.method = method; self.path = path; self.body = body
    }

    /// `PUT /path` and the indented body: what a dry run prints.
    public var description: String {
        guard let body else { return "\(method) \(path)" }
        return "\(method) \(path)\n\(body.prettyText)"
    }
}

/// The part of a cluster's answer setup reads.
public struct SetupResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8] = []) {
        self.status = status; self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: JSONValue? { try? JSONValue(parsing: body) }

    /// The cluster's own explanation: `error.reason` (and its `caused_by`), else the raw text.
    public var errorReason: String {
        if let error = json?["error"] {
            if let text = error.stringValue { return text }
            let reasons = [error["reason"], error[path: "caused_by.reason"]].compactMap { $0?.stringValue }
            var unique: [String] = []
            for reason in reasons where !unique.contains(reason) { unique.append(reason) }
            if !unique.isEmpty {
                let type = error["type"]?.stringValue.map { "\($0): " } ?? ""
                return type + unique.joined(separator: "; caused by: ")
            }
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "(empty body)" : String(trimmed.prefix(500))
    }
}

/// How setup reaches the cluster; `ClusterClient` in the program, a recording stub in tests.
public typealias SetupTransport = (SetupRequest) throws -> SetupResponse
