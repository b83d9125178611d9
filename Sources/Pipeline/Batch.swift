/// Pipeline owns what travels between an input and the output, and what comes back:
/// batches of encoded bulk items, their outcomes, the ordered acknowledgement window that turns outcomes
/// into a safe checkpoint, and the durable checkpoint files themselves.
///
/// The rule it enforces for every input: a checkpoint is persisted only when every item up to it has been
/// acknowledged by the cluster (indexed, already present, or dead-lettered).

/// A position in an input that can be resumed from, opaque to everything but the input that made it
/// (a journald cursor, the file input's list of files and offsets, a spool position).
public struct Checkpoint: Sendable, Equatable {
    public var value: String
    public init(_ value: String) { self.value = value }
}

/// Where one item sits in a batch body: the action line is `start..<documentStart`,
/// the document line `documentStart..<end`; both include their trailing newline.
public struct BatchItem: Sendable, Equatable {
    public var start: Int
    public var documentStart: Int
    public var end: Int
    public init(start: Int, documentStart: Int, end: Int) {
        self.start = start; self.documentStart = documentStart; self.end = end
    }
}

/// One bulk request's worth of documents from one input, in the order the input read them.
public struct Batch: Sendable {
    public let inputID: String
    /// Per input, strictly increasing from 1 with no holes: the acknowledgement window relies on it.
    public let sequence: UInt64
    /// NDJSON `_bulk` body: an action line and a document line per item.
    public var body: [UInt8]
    public var items: [BatchItem]
    /// The input's position just after the last item, persisted once this batch and all before it are done.
    public var checkpoint: Checkpoint?

    public init(inputID: String, sequence: UInt64, body: [UInt8] = [], items: [BatchItem] = [], checkpoint: Checkpoint? = nil) {
        self.inputID = inputID; self.sequence = sequence; self.body = body; self.items = items; self.checkpoint = checkpoint
    }

    public var count: Int { items.count }
    public var isEmpty: Bool { items.isEmpty }

    public func actionLine(_ i: Int) -> ArraySlice<UInt8> { body[items[i].start..<items[i].documentStart] }
    public func documentLine(_ i: Int) -> ArraySlice<UInt8> { body[items[i].documentStart..<items[i].end] }

    /// A new batch holding only the given items, for retrying those alone.
    public func subset(_ indices: [Int]) -> Batch {
        var out = Batch(inputID: inputID, sequence: sequence, checkpoint: checkpoint)
        out.body.reserveCapacity(indices.reduce(0) { $0 + items[$1].end - items[$1].start })
        out.items.reserveCapacity(indices.count)
        for i in indices {
            let it = items[i]
            let base = out.body.count
            out.body.append(contentsOf: body[it.start..<it.end])
            out.items.append(BatchItem(start: base, documentStart: base + it.documentStart - it.start,
                                       end: base + it.end - it.start))
        }
        return out
    }
}

/// Fills one batch at a time; the caller writes the action and document bytes straight into the body, so an
/// event is encoded once. On its way to the wire the body is read in place by libcurl (`compression: none`)
/// or deflated into one buffer per request (`gzip`); only a retry of some items copies them (`subset`).
public struct BatchBuilder {
    public let inputID: String
    public let maxDocuments: Int
    public let maxBytes: Int
    private(set) public var batch: Batch
    private var nextSequence: UInt64

    public init(inputID: String, maxDocuments: Int, maxBytes: Int, firstSequence: UInt64 = 1) {
        self.inputID = inputID
        self.maxDocuments = max(1, maxDocuments)
        self.maxBytes = max(1024, maxBytes)
        self.nextSequence = firstSequence
        self.batch = Batch(inputID: inputID, sequence: firstSequence)
        self.batch.body.reserveCapacity(reservation)
    }

    /// What a new body reserves: about what the last batch needed (batches of one input are alike), never more
    /// than `maxBytes`. Reserving `maxBytes` for every batch kept megabytes of unused capacity alive per batch
    /// in flight; a batch that outgrows its reservation pays one reallocation.
    private var reservation: Int { min(maxBytes + 64 * 1024, 16 << 20, max(64 * 1024, lastBodyBytes + lastBodyBytes / 8)) }
    private var lastBodyBytes = 1 << 20

    public var isEmpty: Bool { batch.items.isEmpty }
    /// True once the batch should be sent: another item would exceed a limit.
    public var isFull: Bool { batch.items.count >= maxDocuments || batch.body.count >= maxBytes }

    /// Appends one item. `writeAction` must write the action line and `writeDocument` the document,
    /// each without the trailing newline (added here).
    @inline(__always)
    public mutating func append(writeAction: (inout [UInt8]) -> Void, writeDocument: (inout [UInt8]) -> Void) {
        let start = batch.body.count
        writeAction(&batch.body)
        batch.body.append(0x0A)
        let documentStart = batch.body.count
        writeDocument(&batch.body)
        batch.body.append(0x0A)
        batch.items.append(BatchItem(start: start, documentStart: documentStart, end: batch.body.count))
    }

    /// Removes the last item again (used when an encoder gives up half way).
    public mutating func dropLast() {
        guard let last = batch.items.popLast() else { return }
        batch.body.removeSubrange(last.start...)
    }

    /// Hands out the current batch with its checkpoint and starts the next one.
    public mutating func take(checkpoint: Checkpoint?) -> Batch {
        var out = batch
        out.checkpoint = checkpoint
        nextSequence += 1
        lastBodyBytes = out.body.count
        batch = Batch(inputID: inputID, sequence: nextSequence)
        batch.body.reserveCapacity(reservation)
        return out
    }
}

/// What became of a batch once every one of its items reached a final state.
public struct BatchOutcome: Sendable, Equatable {
    public var inputID: String
    public var sequence: UInt64
    public var checkpoint: Checkpoint?
    /// Newly created documents.
    public var indexed: Int = 0
    /// Items the cluster already had (409 on `create`): success, thanks to deterministic ids.
    public var duplicates: Int = 0
    /// Items rejected for good and stored in the dead-letter index or file.
    public var deadLettered: Int = 0
    /// Item attempts that had to be retried (429, 5xx, transport errors) before reaching a final state.
    public var retried: Int = 0

    public init(inputID: String, sequence: UInt64, checkpoint: Checkpoint?, indexed: Int = 0, duplicates: Int = 0,
                deadLettered: Int = 0, retried: Int = 0) {
        self.inputID = inputID; self.sequence = sequence; self.checkpoint = checkpoint
        self.indexed = indexed; self.duplicates = duplicates; self.deadLettered = deadLettered; self.retried = retried
    }
}
