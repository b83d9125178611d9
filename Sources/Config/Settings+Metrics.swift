/// `metrics:` — the Prometheus endpoint with `/health` and `/ready`. Off when the section is absent.
public struct MetricsSettings: Sendable, Equatable {
    /// Where the endpoint listens; nil turns it off.
    public var listen: Address?
    /// `/ready` answers 503 once every request to the cluster has failed for longer than this.
    public var unreadyAfterSeconds: Double = 30

    public init(listen: Address? = nil, unreadyAfterSeconds: Double = 30) {
        self.listen = listen
        self.unreadyAfterSeconds = unreadyAfterSeconds
    }

    public struct Address: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) { self.host = host; self.port = port }
        public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

        /// `host:port` or `[v6]:port`; nil with the reason when it is neither.
        public static func parse(_ text: String) -> Result<Address, AddressError> {
            var host: Substring
            var rest: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { return .failure(.init("unclosed [ in IPv6 address")) }
                host = text[text.index(after: text.startIndex)..<close]
                rest = text[text.index(after: close)...]
                guard rest.hasPrefix(":") else { return .failure(.init("missing :port after ]")) }
                rest = rest.dropFirst()
            } else {
                guard let colon = text.lastIndex(of: ":") else { return .failure(.init("expected host:port, e.g. 127.0.0.1:9600")) }
                host = text[..<colon]
                rest = text[text.index(after: colon)...]
                if host.contains(":") { return .failure(.init("write an IPv6 address in brackets, e.g. [::1]:9600")) }
            }
            guard !host.isEmpty else { return .failure(.init("missing host; use 127.0.0.1 or 0.0.0.0 explicitly")) }
            guard let port = Int(rest), (1...65535).contains(port) else {
                return .failure(.init("port must be a number from 1 to 65535"))
            }
            return .success(Address(host: String(host), port: port))
        }
    }

    public struct AddressError: Error, Sendable, Equatable {
        public let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
