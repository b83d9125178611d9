import Config
import Pipeline

/// A source of events. Two kinds exist: re-readable sources (journald, files) whose position is the
/// checkpoint, and network streams that land in a durable spool first (`SpooledInput`), whose spool
/// position is the checkpoint. The shipper treats both the same way.
public protocol Input: AnyObject, Sendable {
    var id: String { get }
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
    func run(_ context: InputContext) throws
    /// The shipper persisted `checkpoint`: everything up to it is acknowledged by the cluster.
    /// Spooled inputs free spool space here; re-readable inputs need nothing.
    func checkpointPersisted(_ checkpoint: Checkpoint)
}

extension Input {
    public func checkpointPersisted(_ checkpoint: Checkpoint) {}
    /// Inputs with nothing to take before reading (files appear and disappear while they run).
    public func open(_ context: InputContext) throws {}
    public func close() {}
}

extension JournaldInput: Input {}
