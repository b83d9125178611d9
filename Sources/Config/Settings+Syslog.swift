/// `type: syslog` — RFC 3164/5424 over UDP, TCP and TLS. Owned by the syslog input; keys in docs/inputs-syslog-file.md.
public struct SyslogInputSettings: Sendable, Equatable {
    /// One socket to listen on: `udp://0.0.0.0:514`, `tcp://[::]:514`, `tls://0.0.0.0:6514`.
    public struct Listener: Sendable, Equatable, CustomStringConvertible {
        public enum Transport: String, Sendable, Equatable, CaseIterable { case udp, tcp, tls }
        public var transport: Transport
        public var host: String
        public var port: Int
        public init(transport: Transport, host: String, port: Int) {
            self.transport = transport; self.host = host; self.port = port
        }
        public var description: String {
            transport.rawValue + "://" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        }

        /// Parses `scheme://host:port`; nil with a reason when it is not one.
        public static func parse(_ text: String) -> Result<Listener, ListenerError> {
            guard let sep = text.range(of: "://") else { return .failure(.init("expected scheme://host:port, e.g. tcp://0.0.0.0:514")) }
            let scheme = String(text[..<sep.lowerBound]).lowercased()
            guard let transport = Transport(rawValue: scheme) else {
                return .failure(.init("unknown scheme \"\(scheme)\"; use udp, tcp or tls"))
            }
            var rest = Substring(text[sep.upperBound...])
            var host: String
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return .failure(.init("unclosed [ in IPv6 address")) }
                host = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
            } else {
                guard let colon = rest.lastIndex(of: ":") else { return .failure(.init("missing :port")) }
                host = String(rest[..<colon])
                rest = rest[colon...]
            }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else {
                return .failure(.init("expected a port between 0 and 65535 after the host"))
            }
            if host.isEmpty { host = "0.0.0.0" }
            return .success(Listener(transport: transport, host: host, port: port))
        }
    }
    public struct ListenerError: Error, Sendable { public var reason: String; init(_ r: String) { reason = r } }

    /// TLS for `tls://` listeners (RFC 5425).
    public struct TLS: Sendable, Equatable {
        public var certificate: String = ""
        public var key: String = ""
        /// PEM bundle of CAs a client certificate must chain to; required when `clientAuth` is `required`.
        public var clientCA: String? = nil
        public enum ClientAuth: String, Sendable, Equatable, CaseIterable { case none, optional, required }
        public var clientAuth: ClientAuth = .none
        public init() {}
    }

    /// How a line without an explicit offset is read: `local` (the process zone), `UTC`, `+02:00`, or an IANA name.
    public var timezone: String = "local"
    public var id: String
    public var dataset: String = "system.syslog"
    public var spool: SpoolSettings = SpoolSettings()
    public var listen: [Listener] = []
    /// Longer messages are cut to this size, tagged `syslog_truncated` and counted.
    public var maxMessageBytes: Int = 64 * 1024
    /// TCP/TLS connections (over all stream listeners), per address, idle timeout, and the memory budget of
    /// encoded records not yet in the spool. The idle timeout is an hour, not InfoLogger's ten minutes: a plain
    /// TCP syslog sender (rsyslog omfwd, syslog-ng) learns of a close only by losing its next write, while
    /// infoLoggerD re-sends what was not acknowledged. Idle connections cannot lock senders out meanwhile: at
    /// the cap the longest-idle one is evicted first.
    public var limits = ListenerLimitSettings(maxConnections: 1024, maxConnectionsPerAddress: 256, idleTimeoutSeconds: 3600,
                                              maxBufferedBytes: 1 << 20)
    /// Encoded records one connection gathers before handing them on; a connection stops reading as soon as
    /// the input's budget is used, so this bounds how far one connection can go past it.
    public var maxBufferedPerConnection: Int = 64 << 10
    public var tls: TLS? = nil
    public init(id: String) { self.id = id }
}
