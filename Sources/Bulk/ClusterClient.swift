import Config
import Foundation

/// Blocking requests for setup and detection: each call tries the hosts in order and fails over on
/// transport errors and 5xx answers. Safe to share between threads (calls are serialised).
public final class ClusterClient: @unchecked Sendable {
    public let settings: OutputSettings
    private let lock = NSLock()
    /// One easy handle per host, so each keeps its own connection alive between calls.
    private var transfers: [String: CurlTransfer] = [:]

    /// Settings are checked on each request (not here), so setup code can build a client before it knows
    /// whether it will need it.
    public init(settings: OutputSettings) {
        self.settings = settings
    }

    public func request(_ method: String, _ path: String, body: [UInt8]? = nil,
                        contentType: String = "application/json", headers: [String] = []) throws -> HTTPResponse {
        try OutputSettingsCheck.validate(settings)
        let request = HTTPRequest(method: method, path: path, body: body, contentType: contentType, headers: headers)
        lock.lock()
        defer { lock.unlock() }
        var errors: [ClusterError] = []
        var lastServerError: HTTPResponse? = nil
        for host in settings.hosts {
            let transfer = transfers[host] ?? CurlTransfer(settings: settings)
            transfers[host] = transfer
            do {
                try transfer.prepare(request, host: host)
                let response = try transfer.finish(transfer.perform())
                if response.status >= 500 {
                    lastServerError = response
                    errors.append(.unexpectedStatus(host: host, status: response.status, body: response.text))
                    continue
                }
                return response
            } catch let error as ClusterError {
                errors.append(error)
            }
        }
        // Every host answered 5xx or not at all: a 5xx is still an answer the caller may want to read.
        if let lastServerError { return lastServerError }
        throw errors.count == 1 ? errors[0] : ClusterError.allHostsFailed(errors)
    }

    /// What kind of cluster answers `GET /`.
    public func detect() throws -> ClusterInfo {
        let response = try request("GET", "/")
        guard response.isSuccess else {
            throw ClusterError.unexpectedStatus(host: response.host, status: response.status, body: response.text)
        }
        do {
            return try ClusterInfo(rootResponse: response.body)
        } catch let reason as ClusterInfo.ParseError {
            throw ClusterError.unreadableResponse(host: response.host, reason: reason.message)
        }
    }
}
