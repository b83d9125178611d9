import Bulk
import Config
import InfoLoggerInput
import Listeners
import Spool

/// A copy of a run's counters at one moment, for the metrics endpoint.
public struct RunSnapshot: Sendable {
    public var inputs: [InputSnapshot] = []
    /// Nil before the output started.
    public var bulk: BulkStats?
    /// When the startup probe got an answer (monotonic seconds); nil if it did not.
    public var clusterAnsweredAt: Double?
    /// Every input of the run is open (listeners bound); false while they are opening or when there is no run.
    public var inputsOpen = false

    /// The last answer from the cluster, probe or `_bulk`, whichever is later.
    public var lastAnsweredAt: Double? {
        switch (clusterAnsweredAt, bulk?.lastAnsweredAt) {
        case let (a?, b?): return max(a, b)
        case let (a, b): return a ?? b
        }
    }
}

public struct InputSnapshot: Sendable {
    public var id: String
    public var type: String
    public var received = 0
    public var malformed = 0
    public var dropped = 0
    public var checkpointsLost = 0
    /// Wall-clock seconds of the last persisted checkpoint; nil when there never was one.
    public var checkpointSavedAt: Double?
    /// Network inputs only.
    public var spool: SpoolMetrics?
    /// journald only: realtime (µs since the epoch) of the last entry read.
    public var lastEventMicros: Int64?
    /// InfoLogger inputs only.
    public var infologger: InfoLoggerCounters.Snapshot?
    /// Inputs that accept connections (syslog TCP/TLS, InfoLogger server mode).
    public var listener: ListenerStats.Snapshot?

    public init(id: String, type: String) { self.id = id; self.type = type }
}

extension InputSettings {
    /// The `type:` an operator wrote, for metric labels.
    var typeName: String {
        switch self {
        case .journald: return "journald"
        case .syslog: return "syslog"
        case .file: return "file"
        case .infologger: return "infologger"
        }
    }
}
