import Synchronization

/// One input's miner as the shipper uses it: every document encoder of the input asks it for the pattern id
/// of its message, the catalogue writer asks which patterns changed since its last write, and the shipper saves
/// its state beside the checkpoints. Journald and file inputs call it from one thread; syslog encodes on each
/// event loop, so the miner sits behind a lock (uncontended it costs ~20 ns against ~400 ns of mining).
public final class PatternTagger: @unchecked Sendable {
    public let inputID: String
    /// Where the state file lives (`<state_dir>/patterns`); nil keeps it in memory only (tests, `--once` tools).
    public let stateDirectory: String?
    /// Only touched under `lock` (hence `@unchecked Sendable`).
    private let miner: PatternMiner
    private let lock = Mutex<Void>(())
    private let saving = Mutex<Void>(())
    /// Per pattern, the count the catalogue last received, so a flush sends only what moved.
    private let flushed = Mutex<[PatternID: UInt64]>([:])

    /// Continues from the saved state of `inputID` when there is one; a damaged file is an error naming it.
    public init(inputID: String, limits: MinerLimits, stateDirectory: String?) throws {
        self.inputID = inputID
        self.stateDirectory = stateDirectory
        let m = try stateDirectory.map { try PatternMiner(directory: $0, name: inputID, limits: limits) }
            ?? PatternMiner(limits: limits)
        miner = m
    }

    /// The pattern of one message; `timestampMillis` (event time) becomes first/last seen.
    @inline(__always)
    public func tag(_ message: UnsafeRawBufferPointer, timestampMillis: Int64) -> PatternID {
        lock.withLock { _ in miner.assign(message, timestamp: timestampMillis) }
    }

    public func tag(_ message: UnsafeBufferPointer<UInt8>, timestampMillis: Int64) -> PatternID {
        tag(UnsafeRawBufferPointer(message), timestampMillis: timestampMillis)
    }

    public var counters: MinerCounters { lock.withLock { _ in miner.counters } }

    public func template(of id: PatternID) -> String? { lock.withLock { _ in miner.template(of: id) } }

    /// Patterns whose count moved since the last `markWritten`, most used first. Forgets the written counts of
    /// patterns the miner no longer holds (evicted, merged), from the same read of the table.
    public func changedSinceLastWrite() -> [PatternInfo] {
        let all = lock.withLock { _ in miner.allPatterns() }
        return flushed.withLock { seen in
            if seen.count > all.count {
                let live = Set(all.map(\.id))
                seen = seen.filter { live.contains($0.key) }
            }
            return all.filter { seen[$0.id] != $0.count }
        }
    }

    /// The catalogue acknowledged these.
    public func markWritten(_ written: [PatternInfo]) {
        flushed.withLock { seen in for p in written { seen[p.id] = p.count } }
    }

    /// Saves the state file (encoded under the mining lock, written and fsynced outside it). Saves never
    /// overlap: the catalogue's round and a stop that gave up waiting for it may both save.
    public func save() throws {
        guard let dir = stateDirectory else { return }
        try saving.withLock { _ in
            let bytes = lock.withLock { _ in miner.encodedState() }
            try PatternMiner.writeState(bytes, directory: dir, name: inputID)
        }
    }
}
