/// `type: infologger` — ALICE InfoLogger messages (issue: InfoLogger integration). Owned by the InfoLogger input.
/// YAML and defaults: docs/infologger.md.
public struct InfoLoggerInputSettings: Sendable, Equatable {
    /// Which side of the InfoLogger protocol LogBridge plays.
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// infoLoggerServer's place: infoLoggerD daemons connect (TCP 6006) and get an ACK per durable message.
        case server
        /// A client of infoLoggerServer's online port (TCP 6102): every message, no acknowledgement.
        case stream
        /// infoLoggerD's place on a node: applications write records to its Unix socket.
        case local
    }

    /// `host:port`, read and checked at load time (`[v6]:port` for IPv6 literals).
    public struct Endpoint: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) { self.host = host; self.port = port }
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public var id: String
    public var dataset: String = "infologger"
    public var spool: SpoolSettings = SpoolSettings()
    public var mode: Mode = .server
    /// `server` mode: where infoLoggerD daemons connect.
    public var listen: Endpoint = Endpoint(host: "0.0.0.0", port: 6006)
    /// `stream` mode: the infoLoggerServer online port.
    public var connect: Endpoint? = nil
    /// `local` mode: the socket name; a leading `/` makes it a filesystem path, anything else is Linux's
    /// abstract namespace (infoLoggerD's default is the abstract name `infoLoggerD`).
    public var socket: String = "infoLoggerD"
    /// `server` mode: a real infoLoggerServer that also receives every message (best effort).
    public var tee: Endpoint? = nil
    /// Messages held for `tee` while it is slow or away; beyond that they are dropped (counted), never blocking.
    public var teeQueue: Int = 100_000
    /// Longest record accepted (the C++ client stops at 1024 bytes, the Go client does not).
    public var maxRecordBytes: Int = 1 << 20
    /// `server` mode: connections in all and per address, idle timeout, and the bytes of unfinished frames the
    /// connections may hold together (a frame is read whole before it is stored).
    public var limits = ListenerLimitSettings(maxConnections: 512, maxConnectionsPerAddress: 64, idleTimeoutSeconds: 600,
                                              maxBufferedBytes: 32 << 20)
    /// `stream` mode: longest wait between reconnection attempts.
    public var reconnectMaxSeconds: Double = 30

    public init(id: String) { self.id = id }
}
