import Bulk
import Foundation

/// O² monitoring: InfluxDB line protocol, as O² Monitoring's InfluxDB backends and `o2-infologger-alert` write it.
/// One measurement per rule, tags rule/key/severity/host, `value=1i` raised and `0i` cleared.
struct LineProtocolSink: AlarmSink {
    let transport: SinkSpec.LineTransport
    let measurement: String?

    var id: String {
        switch transport {
        case .unixgram(let path): "o2_monitoring:unixgram:\(path)"
        case .udp(let host, let port): "o2_monitoring:udp:\(host):\(port)"
        case .http(let url): "o2_monitoring:\(url)"
        }
    }

    func deliver(_ events: [AlarmEvent]) throws {
        let lines = events.map(line)
        switch transport {
        case .http(let url):
            let (base, path) = Sinks.split(url)
            let body = lines.joined(separator: "\n") + "\n"
            try Sinks.post(Sinks.httpClient(baseURLs: [base]), path, Array(body.utf8), contentType: "text/plain; charset=utf-8",
                           what: "InfluxDB \(url)")
        case .udp(let host, let port):
            // One datagram per line: a datagram must stay under the path MTU, and a line is small.
            let socket = try DatagramSocket.udp(host: host, port: port)
            defer { socket.close() }
            for l in lines { try socket.send(Array(l.utf8)) }
        case .unixgram(let path):
            let socket = try DatagramSocket.unix(path: path)
            defer { socket.close() }
            for l in lines { try socket.send(Array(l.utf8)) }
        }
    }

    func line(_ event: AlarmEvent) -> String {
        let name = measurement ?? event.rule
        var out = escape(name, measurement: true)
        out += ",rule=" + escape(event.rule) + ",key=" + escape(event.key) + ",severity=" + escape(event.severity)
        if let host = event.host { out += ",host=" + escape(host) }
        if let pattern = event.fields[PatternRules.idField] { out += ",pattern=" + escape(pattern) }
        out += " value=\(event.state == .raised ? 1 : 0)i " + String(Int64(event.time * 1_000_000_000))
        return out
    }

    /// Commas and spaces (and `=` in tags) are escaped; an empty tag value is not allowed by the protocol.
    private func escape(_ text: String, measurement: Bool = false) -> String {
        var out = ""
        for c in text {
            if c == "," || c == " " || (!measurement && c == "=") { out.append("\\") }
            out.append(c == "\n" ? " " : c)
        }
        return out.isEmpty ? "-" : out
    }
}
