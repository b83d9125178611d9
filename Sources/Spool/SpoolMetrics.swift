/// A consistent snapshot of what the spool holds and what happened to it since `open`.
public struct SpoolMetrics: Sendable, Equatable {
    public var bytesOnDisk = 0
    public var segments = 0
    public var recordsAppended = 0
    public var bytesAppended = 0
    /// Append time (µs since the epoch) of the oldest record not yet acknowledged; nil when all are.
    public var oldestUnacknowledgedMicros: UInt64?
    /// Records deleted unacknowledged by `dropOldest`.
    public var droppedRecords = 0
    public var droppedSegments = 0
    /// Torn or corrupt tails cut off the newest segment at `open`, and the bytes cut.
    public var corruptTailsTruncated = 0
    public var bytesDiscarded = 0
    /// Single records that failed their checksum between good ones, skipped by the reader.
    public var corruptRecordsSkipped = 0
    /// Segments whose remainder the reader skipped because a record in the middle was corrupt.
    public var corruptSegmentsSkipped = 0
    /// Records that were not `action\ndocument\n` and so could not join a batch.
    public var malformedRecords = 0
    /// Writes refused with ENOSPC/EDQUOT/EFBIG (each rolled back and retried).
    public var diskFullEvents = 0
    /// Appends that had to wait for room under the `.block` cap.
    public var blockedAppends = 0
    public var fsyncs = 0
    public var fsyncFailures = 0

    public init() {}
}
