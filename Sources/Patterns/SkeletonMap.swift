/// Skeleton hash → pattern slot: the steady state's one look-up per message (`PatternMiner.known`).
/// Open addressing with linear probing on the skeleton hash itself, which is already finalised (splitmix64), so
/// its low bits are uniform and need no second hash; `Dictionary` re-hashed every key with SipHash, ~8 % of the
/// steady state. The miner empties the map on every template change, so emptying is O(1): entries carry the
/// generation they were written in, and a new generation makes every older entry free.
final class SkeletonMap {
    private var keys: UnsafeMutablePointer<UInt64>
    private var slots: UnsafeMutablePointer<Int32>
    private var generations: UnsafeMutablePointer<UInt32>
    private var generation: UInt32 = 1
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        keys = .allocate(capacity: capacity)
        slots = .allocate(capacity: capacity)
        generations = .allocate(capacity: capacity)
        generations.initialize(repeating: 0, count: capacity)
    }

    deinit {
        keys.deallocate()
        slots.deallocate()
        generations.deallocate()
    }

    @inline(__always)
    subscript(key: UInt64) -> Int32? {
        let mask = capacity &- 1
        var i = Int(truncatingIfNeeded: key) & mask
        while generations[i] == generation {
            if keys[i] == key { return slots[i] }
            i = (i &+ 1) & mask
        }
        return nil
    }

    /// Adds `key` (the caller looked it up first, so it is not there).
    func insert(_ key: UInt64, _ slot: Int32) {
        if (count &+ 1) &* 2 > capacity { grow() }
        let mask = capacity &- 1
        var i = Int(truncatingIfNeeded: key) & mask
        while generations[i] == generation { i = (i &+ 1) & mask }
        keys[i] = key
        slots[i] = slot
        generations[i] = generation
        count &+= 1
    }

    func removeAll() {
        count = 0
        if generation == UInt32.max {
            generations.update(repeating: 0, count: capacity)
            generation = 1
        } else {
            generation &+= 1
        }
    }

    private func grow() {
        let oldKeys = keys, oldSlots = slots, oldGenerations = generations, oldCapacity = capacity
        let live = generation
        capacity *= 2
        keys = .allocate(capacity: capacity)
        slots = .allocate(capacity: capacity)
        generations = .allocate(capacity: capacity)
        generations.initialize(repeating: 0, count: capacity)
        generation = 1
        count = 0
        for i in 0..<oldCapacity where oldGenerations[i] == live { insert(oldKeys[i], oldSlots[i]) }
        oldKeys.deallocate()
        oldSlots.deallocate()
        oldGenerations.deallocate()
    }
}
