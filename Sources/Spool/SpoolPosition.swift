import Pipeline

/// A place in the spool: a segment id and a byte offset in that segment. Positions handed out by the spool
/// always sit on a record boundary — just after a record — so one is both "everything before here" (for
/// acknowledging) and "start reading here" (for resuming).
public struct SpoolPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var segment: UInt64
    public var offset: Int

    public init(segment: UInt64, offset: Int) { self.segment = segment; self.offset = offset }

    public static func < (a: SpoolPosition, b: SpoolPosition) -> Bool {
        a.segment != b.segment ? a.segment < b.segment : a.offset < b.offset
    }

    /// `spool:<segment>:<offset>`, the form kept by the shipper's `CheckpointStore`.
    public var checkpoint: Checkpoint { Checkpoint("spool:\(segment):\(offset)") }

    public var description: String { checkpoint.value }

    /// Nil for anything that is not exactly `spool:<segment>:<offset>` with non-negative decimal numbers.
    public init?(checkpoint: Checkpoint) {
        let parts = checkpoint.value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "spool",
              parts[1].allSatisfy(\.isASCII), parts[2].allSatisfy(\.isASCII),
              let segment = UInt64(parts[1]), let offset = Int(parts[2]), offset >= 0 else { return nil }
        self.init(segment: segment, offset: offset)
    }
}
