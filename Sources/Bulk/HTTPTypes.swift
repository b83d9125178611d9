/// One HTTP request to a cluster, relative to whichever host ends up serving it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path and query, starting with `/`.
    public var path: String
    public var body: [UInt8]?
    public var contentType: String
    /// Extra `Name: value` lines, e.g. the `osd-xsrf` header the Dashboards API demands.
    public var headers: [String]
    /// How much of the answer's body is kept; nil: all of it.
    public var responseLimit: ResponseBodyLimit?

    public init(method: String, path: String, body: [UInt8]? = nil, contentType: String = "application/json",
                headers: [String] = [], responseLimit: ResponseBodyLimit? = nil) {
        self.method = method; self.path = path; self.body = body; self.contentType = contentType
        self.headers = headers; self.responseLimit = responseLimit
    }
}

/// The most body bytes kept of an answer, by status; what comes beyond is read off the connection (so it
/// stays usable) and discarded, and the response says how many bytes that was.
public struct ResponseBodyLimit: Sendable, Equatable {
    /// For 2xx answers.
    public var success: Int
    /// For every other status: enough for the error's type and reason.
    public var failure: Int

    public init(success: Int, failure: Int) { self.success = success; self.failure = failure }

    func bytes(forStatus status: Int) -> Int { (200..<300).contains(status) ? success : failure }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The base URL of the host that answered.
    public var host: String
    /// Body bytes received beyond the request's `responseLimit` and dropped; `body` is then a prefix.
    public var discardedBytes: Int

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], host: String = "", discardedBytes: Int = 0) {
        self.status = status; self.headers = headers; self.body = body; self.host = host
        self.discardedBytes = discardedBytes
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Why a request got no HTTP answer, or an answer that cannot be used.
public enum ClusterError: Error, CustomStringConvertible, Equatable {
    /// Connection refused, DNS, TLS, timeout...: `message` is libcurl's own text.
    case transport(host: String, message: String)
    /// Every host failed; one entry per host, in the order tried.
    case allHostsFailed([ClusterError])
    case unexpectedStatus(host: String, status: Int, body: String)
    case unreadableResponse(host: String, reason: String)
    case compressionFailed
    case invalidSettings(String)

    public var description: String {
        switch self {
        case let .transport(host, message): return "\(host): \(message)"
        case let .allHostsFailed(errors): return "no host answered: " + errors.map(\.description).joined(separator: "; ")
        case let .unexpectedStatus(host, status, body): return "\(host): HTTP \(status): \(body.prefix(300))"
        case let .unreadableResponse(host, reason): return "\(host): unreadable response: \(reason)"
        case .compressionFailed: return "gzip compression of the request body failed"
        case let .invalidSettings(message): return message
        }
    }
}
