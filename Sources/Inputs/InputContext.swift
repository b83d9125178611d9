import Config
import ECS
import Logging
import Patterns
import Pipeline
import Reporting
import Synchronization

/// What an input needs from the shipper, and the only ways it talks back: handing over full batches
/// (which blocks while the output is saturated — the back-pressure that keeps memory bounded) and
/// asking whether to stop.
public struct InputContext: Sendable {
    /// Read to the current end, hand over the last partial batch, then return.
    public var once: Bool
    public var output: OutputSettings
    public var agent: AgentInfo
    public var logger: Logger
    /// Where reading starts; nil when this input has never been acknowledged.
    public var checkpoint: Checkpoint?
    public var submit: @Sendable (Batch) -> Void
    public var isStopping: @Sendable () -> Bool
    /// The input's pattern miner: each document's message gets `log.pattern.id` from it. Nil when patterns
    /// are switched off for this input (`patterns: false`) or for the whole file.
    public var patterns: PatternTagger?

    public init(once: Bool, output: OutputSettings, agent: AgentInfo, logger: Logger, checkpoint: Checkpoint?,
                submit: @escaping @Sendable (Batch) -> Void, isStopping: @escaping @Sendable () -> Bool,
                patterns: PatternTagger? = nil) {
        self.once = once; self.output = output; self.agent = agent; self.logger = logger
        self.checkpoint = checkpoint; self.submit = submit; self.isStopping = isStopping
        self.patterns = patterns
    }

    /// The index pattern for a dataset under the configured mode.
    public func indexPattern() -> String {
        switch output.mode {
        case .index: return output.indexPattern
        case .dataStream: return "logs-{dataset}-" + output.namespace
        }
    }
}

/// Counters every input keeps while it runs; read by the summary and the metrics endpoint.
public final class InputCounters: Sendable {
    public let read = Atomic<Int>(0)
    /// Records that were odd but still shipped (invalid UTF-8, unparsable numbers, too many fields).
    public let malformed = Atomic<Int>(0)
    /// Checkpoints that no longer existed in the source (e.g. a vacuumed journal).
    public let checkpointsLost = Atomic<Int>(0)
    /// Records received but given up before reaching the spool or a batch (UDP under a full spool, oversized frames).
    public let dropped = Atomic<Int>(0)
    public init() {}

    /// The families every input has: always declared on `/metrics`, even before an input runs.
    public static let families: [Metric] = InputCounters().metrics()

    /// `dropped` adds what the input lost elsewhere (records a full spool deleted unacknowledged).
    public func metrics(alsoDropped: Int = 0) -> [Metric] {
        [
            Metric("logbridge_input_received_total", .counter, help: "Events read from the input.", read.load(ordering: .relaxed)),
            Metric("logbridge_input_malformed_total", .counter, help: "Events that were malformed (still shipped when possible).",
                   malformed.load(ordering: .relaxed)),
            Metric("logbridge_input_dropped_total", .counter, help: "Events received but dropped before the spool (e.g. UDP with a full spool).",
                   dropped.load(ordering: .relaxed) + alsoDropped),
            Metric("logbridge_input_checkpoints_lost_total", .counter, help: "Checkpoints that no longer existed in the source.",
                   checkpointsLost.load(ordering: .relaxed)),
        ]
    }
}
