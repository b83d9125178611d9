/// What a network input accepts from its senders: connections in all and per source address, how long one
/// may stay silent, and how many received bytes it may hold in memory before it stops reading.
/// Keys and the memory formula: docs/reliability.md#memory-budget-and-connection-limits.
public struct ListenerLimitSettings: Sendable, Equatable {
    /// Open connections over all of the input's stream listeners.
    public var maxConnections: Int
    /// Open connections from one source address.
    public var maxConnectionsPerAddress: Int
    /// A connection that sends nothing for this long is closed.
    public var idleTimeoutSeconds: Double
    /// Received bytes the input holds in memory (as encoded records or unfinished frames) before its
    /// connections stop reading.
    public var maxBufferedBytes: Int

    public init(maxConnections: Int, maxConnectionsPerAddress: Int, idleTimeoutSeconds: Double, maxBufferedBytes: Int) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxBufferedBytes = maxBufferedBytes
    }
}

/// The keys of `ListenerLimitSettings`, read the same way for every input that has them.
enum ListenerLimitKeys {
    static let keys = ["max_connections", "max_connections_per_address", "idle_timeout", "max_buffered"]

    static func read(_ entry: ConfigMapping, into limits: inout ListenerLimitSettings) throws(ConfigError) {
        if let v = entry["max_connections"] { limits.maxConnections = try v.int(in: 1...1_000_000) }
        if let v = entry["max_connections_per_address"] { limits.maxConnectionsPerAddress = try v.int(in: 1...1_000_000) }
        if let v = entry["idle_timeout"] { limits.idleTimeoutSeconds = try v.positiveSeconds() }
        if let v = entry["max_buffered"] {
            limits.maxBufferedBytes = try v.byteSize()
            guard (64 << 10...(1 << 30)).contains(limits.maxBufferedBytes) else { throw v.error("must be between 64KiB and 1GiB") }
        }
        if limits.maxConnectionsPerAddress > limits.maxConnections, let v = entry["max_connections_per_address"] {
            throw v.error("is above max_connections (\(limits.maxConnections)); it can be at most that")
        }
    }
}
