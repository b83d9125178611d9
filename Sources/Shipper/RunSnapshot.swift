import Bulk
import Instrumentation

/// A copy of a run's counters at one moment, for the metrics endpoint.
public struct RunSnapshot: Sendable {
    public var inputs: [InputSnapshot] = []
    /// Nil before the output started.
    public var bulk: BulkStats?
    /// When the startup probe got an answer (monotonic seconds); nil if it did not.
    public var clusterAnsweredAt: Double?
    /// Every input of the run is open (listeners bound); false while they are opening or when there is no run.
    public var inputsOpen = false
    /// The health documents' writer's own counters (`HealthReporter.metrics`); empty with `health.enabled: false`.
    public var health: [Metric] = []

    /// The last answer from the cluster, probe or `_bulk`, whichever is later.
    public var lastAnsweredAt: Double? {
        switch (clusterAnsweredAt, bulk?.lastAnsweredAt) {
        case let (a?, b?): return max(a, b)
        case let (a, b): return a ?? b
        }
    }
}

/// One input's metrics as the input itself names them (`Input.metrics`), and what the run adds.
public struct InputSnapshot: Sendable {
    public var id: String
    public var type: String
    public var metrics: [Metric]
    /// Wall-clock seconds of the last persisted checkpoint; nil when there never was one.
    public var checkpointSavedAt: Double?

    public init(id: String, type: String, metrics: [Metric], checkpointSavedAt: Double? = nil) {
        self.id = id; self.type = type; self.metrics = metrics; self.checkpointSavedAt = checkpointSavedAt
    }
}
