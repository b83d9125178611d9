import Config
import Pipeline
import Reporting

/// A source of events. Two kinds exist: re-readable sources (journald, files) whose position is the
/// checkpoint, and network streams that land in a durable spool first (`SpooledInput`), whose spool
/// position is the checkpoint. The shipper treats both the same way: it knows an input only through this
/// protocol (docs/adding-an-input.md).
public protocol Input: AnyObject, Sendable {
    var id: String { get }
    /// The `type:` an operator wrote (`journald`, `syslog`, …): the `type` label of the input's metrics.
    var type: String { get }
    /// The counters every input keeps (read, malformed, dropped, checkpoints lost): the run's summary line.
    var counters: InputCounters { get }
    /// Takes what the input needs before anything is read: binds its listeners, opens its source and its
    /// state. The shipper opens every input first and starts none unless all opened, so a port taken by
    /// another process stops the start instead of leaving a run without that input. Throws a reason that
    /// names the address or path; `run` then uses what was opened.
    func open(_ context: InputContext) throws
    /// Gives back what `open` took when `run` will not be called (another input failed to open).
    func close()
    /// Reads until the source is exhausted (`context.once`) or `context.isStopping()`, handing full batches
    /// to `context.submit`. Throws only when the source cannot be used at all; bad records are counted.
    /// Stopping is `context.isStopping()` turning true: `run` hands over its last batch, gives back what it
    /// opened (listeners, spool, journal) and returns.
    func run(_ context: InputContext) throws
    /// True when persisting a checkpoint is what frees the input's storage (a spool): its checkpoint file is
    /// then reserved at the start, so it can still be written on a disk that filled up before the first one.
    var checkpointFreesSpace: Bool { get }
    /// The shipper persisted `checkpoint`: everything up to it is acknowledged by the cluster.
    /// Spooled inputs free spool space here; re-readable inputs need nothing.
    func checkpointPersisted(_ checkpoint: Checkpoint)
    /// Every number the input keeps, read now, for `/metrics`: `counters` (see `InputCounters.metrics`) and
    /// the input's own (spool, listener, protocol counters). Telemetry adds the `input` and `type` labels.
    func metrics() -> [Metric]
    /// The input's own fields of the run's summary line (`name=value`), summed over inputs of the same kind.
    func summaryFields() -> [(String, Int)]
}

extension Input {
    public func checkpointPersisted(_ checkpoint: Checkpoint) {}
    public var checkpointFreesSpace: Bool { false }
    /// Inputs with nothing to take before reading (files appear and disappear while they run).
    public func open(_ context: InputContext) throws {}
    public func close() {}
    public func metrics() -> [Metric] { counters.metrics() }
    public func summaryFields() -> [(String, Int)] { [] }
}
