import Bulk
import Config
import Foundation

/// Somewhere alarms are announced. Each sink gets every event of a cycle in one call and either takes all of
/// them or throws, in which case they are retried (and kept in the cluster until delivered).
public protocol AlarmSink: Sendable {
    /// Stable identity, e.g. `alertmanager:http://am:9093`: pending events are stored under it.
    var id: String { get }
    func deliver(_ events: [AlarmEvent]) throws
}

enum Sinks {
    static func make(_ spec: SinkSpec) -> any AlarmSink {
        switch spec {
        case .o2Monitoring(let transport, let measurement): return LineProtocolSink(transport: transport, measurement: measurement)
        case .alertmanager(let urls): return AlertmanagerSink(urls: urls)
        case .webhook(let url): return WebhookSink(url: url)
        case .infoLogger(let socket): return InfoLoggerSink(socket: socket)
        case .command(let command): return CommandSink(spec: command)
        }
    }

    /// A small HTTP client for sink endpoints, reusing the cluster client's libcurl transfers (no new dependency).
    static func httpClient(baseURLs: [String]) -> ClusterClient {
        var settings = OutputSettings()
        settings.hosts = baseURLs
        settings.compression = .none
        settings.requestTimeoutSeconds = 5
        settings.connectTimeoutSeconds = 2
        return ClusterClient(settings: settings)
    }

    /// `http://h:p/a/b?c` → (`http://h:p`, `/a/b?c`).
    static func split(_ url: String) -> (base: String, path: String) {
        guard let schemeEnd = url.range(of: "://"),
              let slash = url[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" }) else { return (url, "/") }
        return (String(url[..<slash]), String(url[slash...]))
    }

    static func post(_ client: ClusterClient, _ path: String, _ body: [UInt8], contentType: String, what: String) throws {
        let response = try client.request("POST", path, body: body, contentType: contentType)
        guard response.isSuccess else { throw AlarmsError("\(what): HTTP \(response.status): \(response.text.prefix(200))") }
    }
}

/// Retries a sink with backoff inside a cycle; what still fails is returned to be kept as pending.
enum SinkDelivery {
    static func deliver(_ events: [AlarmEvent], to sink: any AlarmSink, attempts: Int = 3,
                        firstDelay: Double = 0.2) -> (delivered: Bool, error: String?) {
        var delay = firstDelay
        var lastError = ""
        for attempt in 1...attempts {
            do {
                try sink.deliver(events)
                return (true, nil)
            } catch {
                lastError = "\(error)"
                if attempt < attempts { Thread.sleep(forTimeInterval: delay); delay *= 2 }
            }
        }
        return (false, lastError)
    }
}
