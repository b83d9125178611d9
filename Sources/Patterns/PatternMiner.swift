/// The online miner: one group per message, decided when it arrives (Drain's idea, with masking first).
///
/// A message is cut at whitespace into at most `maxTokens` tokens, each masked (`TokenMasker`) and hashed.
/// Its candidates are the patterns of its leaf, keyed by (token count, first masked token). A candidate
/// matches when every position is equal or `<*>` in the template (a full match), or when its similarity is at
/// least 0.9: positions where template and message hold the same word, or where exactly one of them holds
/// `<*>` (a parameter seen on one side: `user webmaster` / `user test9`), divided by the positions that are
/// not `<*>` on both sides (those say nothing either way). So one differing word in ten comparable tokens is
/// a parameter; in a shorter message it is another template (`Session: <*> initialized by client SPP.` /
/// `… client WindowsUpdateAgent.`). The best candidate wins (full match, then similarity, then more `<*>`,
/// then leaf order); its template widens where the message differs. No candidate: a new pattern, whose id is the hash of the message's masked skeleton.
///
/// Steady state is one scan, one hash per token and one dictionary look-up: the skeleton of every message
/// assigned since the last change of any template maps to its pattern directly. The map is emptied on every
/// change, so it only ever returns what the search would.
public final class PatternMiner {
    public let limits: MinerLimits
    public internal(set) var counters = MinerCounters()
    /// The template revision of the pattern the last `assign` returned: lets a caller that caches template text
    /// skip a look-up per message.
    public private(set) var lastRevision: UInt32 = 0

    /// The similarity threshold (see the type's comment). Measured on Loghub-2k (docs/patterns.md): 0.88–1.0
    /// all give an average GA of 0.947–0.949; at 0.85 OpenSSH's `Failed password for root/uucp …` (6 of 7)
    /// still splits while short real templates start to merge; below 0.8 Windows and OpenStack collapse.
    static let similarity = 0.9

    struct Pattern {
        var id: UInt64
        var seq: UInt64
        var tokens: [UInt64]
        /// The template: masked tokens joined by one space.
        var template: [UInt8]
        var templateHash: UInt64
        var example: [UInt8]
        var count: UInt64
        var firstSeen: Int64
        var lastSeen: Int64
        /// Bumped when the template widens.
        var revision: UInt32
        var wildcards: Int
        var leaves: [UInt64]
        var aliases: [UInt64]
        var newer: Int32 = -1
        var older: Int32 = -1
        var live: Bool
    }

    var patterns: [Pattern] = []
    var freeSlots: [Int32] = []
    var leaves: [UInt64: [Int32]] = [:]
    var byID: [UInt64: Int32] = [:]
    var byTemplate: [UInt64: Int32] = [:]
    /// Retired id → the id it merged into.
    var aliasOf: [UInt64: UInt64] = [:]
    let known = SkeletonMap()
    var newest: Int32 = -1
    var oldest: Int32 = -1
    var nextSeq: UInt64 = 0
    /// Per-message scratch, allocated once: `Array.removeAll(keepingCapacity:)` and the uniqueness checks of
    /// appends cost ~10% of the steady state.
    let scratch: UnsafeMutablePointer<UInt64>
    let tokenStarts: UnsafeMutablePointer<Int32>
    let tokenEnds: UnsafeMutablePointer<Int32>
    var tokenCount = 0
    var tokenHashes: UnsafeBufferPointer<UInt64> { UnsafeBufferPointer(start: scratch, count: tokenCount) }
    /// `TokenMasker.classes`, allocated once per miner so the per-byte look-up is a plain load.
    let classTable: UnsafeMutablePointer<UInt8>

    public init(limits: MinerLimits = MinerLimits()) {
        var l = limits
        l.maxPatterns = max(1, l.maxPatterns)
        l.maxTokens = max(2, l.maxTokens)
        l.maxMessageBytes = max(16, l.maxMessageBytes)
        self.limits = l
        scratch = .allocate(capacity: l.maxTokens)
        tokenStarts = .allocate(capacity: l.maxTokens)
        tokenEnds = .allocate(capacity: l.maxTokens)
        classTable = .allocate(capacity: 256)
        classTable.initialize(from: TokenMasker.classes, count: 256)
    }

    deinit {
        classTable.deallocate()
        scratch.deallocate()
        tokenStarts.deallocate()
        tokenEnds.deallocate()
    }

    // MARK: assigning

    /// The pattern of one message. `timestamp` is the caller's (e.g. event time in epoch milliseconds), kept
    /// as first/last seen.
    @discardableResult
    public func assign(_ message: UnsafeRawBufferPointer, timestamp: Int64 = 0) -> PatternID {
        counters.messages &+= 1
        let skeleton = tokenize(message)
        if let slot = known[skeleton] {
            touch(slot, timestamp)
            lastRevision = patterns[Int(slot)].revision
            return PatternID(rawValue: patterns[Int(slot)].id)
        }
        let slot = place(message, timestamp)
        if known.count >= 4 * limits.maxPatterns + 1024 { known.removeAll() }
        known.insert(skeleton, slot)
        lastRevision = patterns[Int(slot)].revision
        return PatternID(rawValue: patterns[Int(slot)].id)
    }

    @discardableResult
    public func assign(_ message: [UInt8], timestamp: Int64 = 0) -> PatternID {
        message.withUnsafeBytes { assign($0, timestamp: timestamp) }
    }

    @discardableResult
    public func assign(_ message: String, timestamp: Int64 = 0) -> PatternID {
        var m = message
        return m.withUTF8 { assign(UnsafeRawBufferPointer($0), timestamp: timestamp) }
    }

    /// Fills `scratch` with the masked token hashes and returns the skeleton hash.
    private func tokenize(_ message: UnsafeRawBufferPointer) -> UInt64 {
        var truncated = message.count > limits.maxMessageBytes
        let end = min(message.count, limits.maxMessageBytes)
        let extra = limits.extraMasks
        let lastToken = limits.maxTokens - 1
        // Locals, not properties, in the loop: each property access reloads through `self` (~15 % of the scan).
        let classes = classTable, hashes = scratch, starts = tokenStarts, ends = tokenEnds
        // One scan splits at whitespace and, for each token, hashes its bytes and collects their classes;
        // `TokenMasker.quickHash` settles most tokens from that, the rest go through `TokenMasker.mask`.
        // Splitting and masking in separate scans cost ~2× as much (measured on the file bench's messages).
        let ws = TokenMasker.whitespaceClass, dotClass = TokenMasker.dotClass
        let useQuick = extra.isEmpty
        var count = 0
        if let base = message.baseAddress {
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            var i = 0
            while i < end {
                while i < end, classes[Int(bytes[i])] & ws != 0 { i &+= 1 }
                if i >= end { break }
                let start = i
                var seen: UInt8 = 0
                var dots = 0
                var raw = HashSink.offset
                while i < end {
                    let b = bytes[i]
                    let c = classes[Int(b)]
                    if c & ws != 0 { break }
                    seen |= c
                    dots &+= Int(c & dotClass)
                    raw = (raw ^ UInt64(b)) &* HashSink.prime
                    i &+= 1
                }
                dots /= Int(dotClass)
                // A token cut by maxMessageBytes would hash differently wherever the cut falls: fold it.
                if i == end && truncated && end < message.count && !TokenMasker.isWhitespace(bytes[end]) { break }
                if count == lastToken { truncated = true; break }
                let token = UnsafeRawBufferPointer(start: base + start, count: i &- start)
                if useQuick, let quick = TokenMasker.quickHash(token, seen: seen, dots: dots, rawHash: raw) {
                    hashes[count] = quick
                } else {
                    var h = HashSink()
                    TokenMasker.mask(token, extraMasks: extra, classes: classes, into: &h)
                    hashes[count] = h.value
                }
                starts[count] = Int32(truncatingIfNeeded: start)
                ends[count] = Int32(truncatingIfNeeded: i)
                count &+= 1
            }
        }
        tokenCount = count
        if truncated {
            counters.truncatedMessages &+= 1
            scratch[tokenCount] = HashSink.wildcard
            tokenStarts[tokenCount] = -1
            tokenEnds[tokenCount] = -1
            tokenCount += 1
        }
        return Self.skeletonHash(tokenHashes)
    }

    /// The id function: FNV-1a over the token hashes as 64-bit words, then a finaliser (splitmix64's).
    /// Part of the id contract: never change it.
    static func skeletonHash(_ tokens: [UInt64]) -> UInt64 {
        tokens.withUnsafeBufferPointer { skeletonHash($0) }
    }

    static func skeletonHash(_ tokens: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var h = HashSink.offset
        for t in tokens { h = (h ^ t) &* HashSink.prime }
        h ^= UInt64(tokens.count)
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }

    static func leafKey(_ tokens: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var h = HashSink.offset
        h = (h ^ UInt64(tokens.count)) &* HashSink.prime
        h = (h ^ (tokens.first ?? 0)) &* HashSink.prime
        return h
    }

    private func place(_ message: UnsafeRawBufferPointer, _ timestamp: Int64) -> Int32 {
        let key = Self.leafKey(tokenHashes)
        let n = tokenCount
        var best: Int32 = -1
        var bestFull = false, bestScore = -1, bestWildcards = -1, bestBoth = 0
        if let candidates = leaves[key] {
            do {
                let msg = tokenHashes
                for slot in candidates {
                    let (score, full, both) = patterns[Int(slot)].tokens.withUnsafeBufferPointer { Self.compare($0, msg) }
                    let w = patterns[Int(slot)].wildcards
                    if (full && !bestFull) || (full == bestFull && (score > bestScore || (score == bestScore && w > bestWildcards))) {
                        best = slot; bestFull = full; bestScore = score; bestWildcards = w; bestBoth = both
                    }
                }
            }
        }
        if best >= 0 && (bestFull || Double(bestScore) >= Self.similarity * Double(n - bestBoth)) {
            if !bestFull { best = widen(best) }
            touch(best, timestamp)
            return best
        }
        return create(key, message, timestamp)
    }

    /// (similarity count, full match) of a template against a message of the same length.
    @inline(__always)
    static func compare(_ t: UnsafeBufferPointer<UInt64>, _ m: UnsafeBufferPointer<UInt64>) -> (Int, Bool, Int) {
        let w = HashSink.wildcard
        var score = 0
        var both = 0
        var full = true
        for i in 0..<t.count {
            let a = t[i], b = m[i]
            if a == w {
                if b != w { score += 1 } else { both += 1 }
            } else if a == b {
                score += 1
            } else {
                full = false
                if b == w { score += 1 }
            }
        }
        return (score, full, both)
    }

    private func touch(_ slot: Int32, _ timestamp: Int64) {
        let s = Int(slot)
        patterns[s].count &+= 1
        if timestamp > patterns[s].lastSeen { patterns[s].lastSeen = timestamp }
        if timestamp < patterns[s].firstSeen { patterns[s].firstSeen = timestamp }
        if newest != slot {
            unlink(slot)
            pushNewest(slot)
        }
    }

    // MARK: changing the table

    private func create(_ key: UInt64, _ message: UnsafeRawBufferPointer, _ timestamp: Int64) -> Int32 {
        while byID.count >= limits.maxPatterns, oldest >= 0 { evict(oldest) }
        var text = TextSink()
        for k in 0..<tokenCount {
            if k > 0 { text.put(0x20) }
            if tokenStarts[k] < 0 { text.putWildcard(); continue }
            TokenMasker.mask(UnsafeRawBufferPointer(rebasing: message[Int(tokenStarts[k])..<Int(tokenEnds[k])]),
                             extraMasks: limits.extraMasks, into: &text)
        }
        var id = Self.skeletonHash(tokenHashes)
        // Two live patterns can only share a skeleton if the older one widened away from it and still did not
        // match (impossible: widening keeps every founding position matching) or after a merge moved a
        // pattern; a deterministic step keeps ids unique either way.
        while byID[id] != nil || aliasOf[id] != nil { id = id &+ 0x9e37_79b9_7f4a_7c15 }
        let wildcards = tokenHashes.reduce(0) { $0 + ($1 == HashSink.wildcard ? 1 : 0) }
        let p = Pattern(id: id, seq: nextSeq, tokens: Array(tokenHashes), template: text.bytes, templateHash: Self.skeletonHash(tokenHashes),
                        example: Array(message.prefix(limits.exampleBytes)), count: 0, firstSeen: timestamp, lastSeen: timestamp,
                        revision: 0, wildcards: wildcards, leaves: [key], aliases: [], live: true)
        nextSeq += 1
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            patterns[Int(slot)] = p
        } else {
            slot = Int32(patterns.count)
            patterns.append(p)
        }
        leaves[key, default: []].append(slot)
        byID[id] = slot
        if byTemplate[p.templateHash] == nil { byTemplate[p.templateHash] = slot }
        pushNewest(slot)
        counters.created &+= 1
        counters.patterns = byID.count
        known.removeAll()
        touch(slot, timestamp)
        return slot
    }

    /// Widens `slot` to cover the message in `scratch`. A pattern of the same leaf whose template the widened
    /// one now covers would never be chosen again (the wider one wins every tie), so it is folded in and its id
    /// becomes an alias: the ids it handed out stay meaningful.
    private func widen(_ slot: Int32) -> Int32 {
        let s = Int(slot)
        let w = HashSink.wildcard
        var tokens = patterns[s].tokens
        for k in 0..<tokens.count where tokens[k] != scratch[k] { tokens[k] = w }
        if byTemplate[patterns[s].templateHash] == slot { byTemplate[patterns[s].templateHash] = nil }
        patterns[s].tokens = tokens
        patterns[s].wildcards = tokens.reduce(0) { $0 + ($1 == w ? 1 : 0) }
        patterns[s].template = Self.widenedText(patterns[s].template, tokens)
        patterns[s].templateHash = Self.skeletonHash(tokens)
        patterns[s].revision &+= 1
        known.removeAll()
        for leaf in patterns[s].leaves {
            for other in leaves[leaf] ?? [] where other != slot && Self.covers(tokens, patterns[Int(other)].tokens) {
                merge(other, into: slot)
            }
        }
        byTemplate[patterns[s].templateHash] = slot
        return slot
    }

    /// Whether template `wide` matches everything template `narrow` matches.
    static func covers(_ wide: [UInt64], _ narrow: [UInt64]) -> Bool {
        guard wide.count == narrow.count else { return false }
        for k in 0..<wide.count where wide[k] != HashSink.wildcard && wide[k] != narrow[k] { return false }
        return true
    }

    static func widenedText(_ text: [UInt8], _ tokens: [UInt64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var k = 0
        for part in text.split(separator: 0x20, omittingEmptySubsequences: false) {
            if k > 0 { out.append(0x20) }
            if k < tokens.count && tokens[k] == HashSink.wildcard { out.append(contentsOf: TokenMasker.wildcard) } else { out.append(contentsOf: part) }
            k += 1
        }
        return out
    }

    private func merge(_ drop: Int32, into keep: Int32) {
        let k = Int(keep), d = Int(drop)
        patterns[k].count &+= patterns[d].count
        patterns[k].firstSeen = min(patterns[k].firstSeen, patterns[d].firstSeen)
        patterns[k].lastSeen = max(patterns[k].lastSeen, patterns[d].lastSeen)
        let dropped = patterns[d]
        patterns[k].aliases.append(dropped.id)
        patterns[k].aliases.append(contentsOf: dropped.aliases)
        for alias in [dropped.id] + dropped.aliases { aliasOf[alias] = patterns[k].id }
        // A pattern folded in from another leaf (after an earlier merge) must stay reachable from there.
        for leaf in dropped.leaves where !patterns[k].leaves.contains(leaf) {
            patterns[k].leaves.append(leaf)
            leaves[leaf, default: []].append(keep)
        }
        remove(drop)
        counters.merges &+= 1
    }

    private func evict(_ slot: Int32) {
        for alias in patterns[Int(slot)].aliases { aliasOf[alias] = nil }
        remove(slot)
        counters.evictions &+= 1
    }

    private func remove(_ slot: Int32) {
        let s = Int(slot)
        for leaf in patterns[s].leaves {
            leaves[leaf]?.removeAll { $0 == slot }
            if leaves[leaf]?.isEmpty == true { leaves[leaf] = nil }
        }
        byID[patterns[s].id] = nil
        if byTemplate[patterns[s].templateHash] == slot { byTemplate[patterns[s].templateHash] = nil }
        unlink(slot)
        patterns[s].live = false
        patterns[s].tokens = []
        patterns[s].template = []
        patterns[s].example = []
        patterns[s].aliases = []
        patterns[s].leaves = []
        freeSlots.append(slot)
        known.removeAll()
        counters.patterns = byID.count
    }

    // MARK: recency list (newest … oldest), for eviction

    func evictOldest() { evict(oldest) }

    private func unlink(_ slot: Int32) {
        let s = Int(slot)
        let older = patterns[s].older, newer = patterns[s].newer
        if newer >= 0 { patterns[Int(newer)].older = older } else if newest == slot { newest = older }
        if older >= 0 { patterns[Int(older)].newer = newer } else if oldest == slot { oldest = newer }
        patterns[s].older = -1
        patterns[s].newer = -1
    }

    func pushNewest(_ slot: Int32) {
        let s = Int(slot)
        patterns[s].older = newest
        patterns[s].newer = -1
        if newest >= 0 { patterns[Int(newest)].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    // MARK: reading

    /// The id `id` answers to now: itself, or the pattern it merged into.
    public func canonical(_ id: PatternID) -> PatternID {
        var v = id.rawValue
        var hops = 0
        while let next = aliasOf[v], hops < 64 { v = next; hops += 1 }
        return PatternID(rawValue: v)
    }

    /// The current template of a pattern (or of the one it merged into).
    public func template(of id: PatternID) -> String? {
        guard let slot = byID[canonical(id).rawValue] else { return nil }
        return String(decoding: patterns[Int(slot)].template, as: UTF8.self)
    }

    /// Bumped every time the pattern's template widens (for callers caching the template text).
    public func templateRevision(of id: PatternID) -> UInt32? {
        guard let slot = byID[canonical(id).rawValue] else { return nil }
        return patterns[Int(slot)].revision
    }

    /// Calls `body` with the current template bytes, without copying them.
    public func withTemplateBytes<R>(of id: PatternID, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let slot = byID[canonical(id).rawValue] else { return nil }
        return patterns[Int(slot)].template.withUnsafeBytes(body)
    }

    public func info(_ id: PatternID) -> PatternInfo? {
        guard let slot = byID[canonical(id).rawValue] else { return nil }
        return info(slot: slot)
    }

    func info(slot: Int32) -> PatternInfo {
        let p = patterns[Int(slot)]
        return PatternInfo(id: PatternID(rawValue: p.id), template: String(decoding: p.template, as: UTF8.self),
                           templateHash: PatternID(rawValue: p.templateHash),
                           example: String(decoding: p.example, as: UTF8.self), count: p.count,
                           firstSeen: p.firstSeen, lastSeen: p.lastSeen,
                           aliases: p.aliases.map { PatternID(rawValue: $0) })
    }

    /// Every pattern held, most used first (ties: id).
    public func allPatterns() -> [PatternInfo] {
        patterns.indices.filter { patterns[$0].live }.map { info(slot: Int32($0)) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.id < $1.id }
    }
}
