/// Turns batch completions, which arrive in any order (several requests are in flight, retries overtake),
/// into checkpoints that only ever move past items the cluster has acknowledged.
public struct AcknowledgementWindow: Sendable {
    /// The next sequence whose completion would move the checkpoint.
    public private(set) var nextExpected: UInt64
    private var completedAhead: [UInt64: Checkpoint?] = [:]

    public init(firstSequence: UInt64 = 1) { nextExpected = firstSequence }

    /// Records one completed batch; returns the checkpoint to persist when the contiguous prefix grew
    /// and reached a batch that carries one.
    public mutating func complete(sequence: UInt64, checkpoint: Checkpoint?) -> Checkpoint? {
        precondition(sequence >= nextExpected && completedAhead[sequence] == nil,
                     "batch \(sequence) completed twice")
        completedAhead[sequence] = .some(checkpoint)
        var newest: Checkpoint? = nil
        while let entry = completedAhead.removeValue(forKey: nextExpected) {
            if let cp = entry { newest = cp }
            nextExpected += 1
        }
        return newest
    }

    /// Batches completed out of order that wait for an earlier one.
    public var waiting: Int { completedAhead.count }
}
