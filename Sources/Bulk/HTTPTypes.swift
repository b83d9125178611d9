/// One HTTP request to a cluster, relative to whichever host ends up serving it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path and query, starting with `/`.
    public var path: String
    public var body: [UInt8]?
    public var contentType: String
    /// Extra `Name: value` lines, e.g. the `osd-xsrf` header the Dashboards API demands.
    public var headers: [String]

    public init(method: String, path: String, body: [UInt8]? = nil, contentType: String = "application/json",
                headers: [String] = []) {
        self.method = method; self.path = path; self.body = body; self.contentType = contentType
        self.headers = headers
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The base URL of the host that answered.
    public var host: String

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], host: String = "") {
        self.status = status; self.headers = headers; self.body = body; self.host = host
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
