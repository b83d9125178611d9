import JSON

/// Counts each matching document of an event-like rule (`any`, `blacklist`, `whitelist`) once.
///
/// Those rules look back `buffer_time` before the previous window's end to catch documents indexed late, so one
/// document is inside many windows (fifteen one-minute windows with the default 15-minute buffer, which used to
/// re-count a single OOM-kill line fifteen times). The ledger remembers, per key, how many matching documents
/// each time bucket of the look-back held when it was last counted; a window's new matches are what the buckets
/// gained since. Counts rather than document ids: the probe stays a `size: 0` aggregation (a `date_histogram`
/// per key), and the ledger is a few numbers per key, stored in the cluster with the rule's state, so neither a
/// restart nor a second instance counts — and announces — the same documents again.
///
/// A document deleted from a bucket in which a late one arrived between two windows hides the late one; logs are
/// appended, not deleted, within `buffer_time`.
struct MatchLedger: Sendable, Equatable {
    /// Key → bucket start (milliseconds since the epoch) → matching documents counted in that bucket.
    var counts: [String: [Int: Int]] = [:]

    var isEmpty: Bool { counts.isEmpty }

    /// Takes a window's per-key histograms and returns, per key, the documents not counted before. Buckets that
    /// start before `horizon` (milliseconds) are forgotten: no later window looks at them.
    mutating func absorb(_ histograms: [String: [Int: Int]], forgetBefore horizon: Int) -> [String: Int] {
        var fresh: [String: Int] = [:]
        for (key, buckets) in histograms {
            var known = counts[key] ?? [:]
            var gained = 0
            for (start, count) in buckets {
                gained += max(0, count - (known[start] ?? 0))
                known[start] = max(count, known[start] ?? 0)
            }
            counts[key] = known
            if gained > 0 { fresh[key] = gained }
        }
        for key in Array(counts.keys) {
            counts[key] = counts[key]!.filter { $0.key >= horizon }
            if counts[key]!.isEmpty { counts[key] = nil }
        }
        return fresh
    }

    /// The bucket width of a rule's histogram: one `run_every` (at least a second), so a window adds about one
    /// bucket per key and a 15-minute buffer holds sixteen.
    static func bucketSeconds(_ rule: Rule) -> Int { max(1, Int(rule.runEvery)) }

    /// Where an event-like rule's window starts: `buffer_time` before the previous end, down to a bucket boundary
    /// so every bucket is counted whole (a bucket cut in two would look as if it had lost documents).
    static func windowStart(_ rule: Rule, previousEnd: Double) -> Double {
        let width = Double(bucketSeconds(rule))
        return ((previousEnd - rule.bufferTime) / width).rounded(.down) * width
    }

    /// Whether a rule counts matching documents (rather than terms or values) in a look-back window.
    static func applies(to rule: Rule) -> Bool {
        switch rule.kind {
        case .any, .blacklist, .whitelist: return true
        default: return false
        }
    }

    // MARK: Stored form (`ledger:<rule>` in the state index)

    struct Entry: Codable, Equatable {
        var key: String
        var buckets: [Int]
        var counts: [Int]
    }

    init() {}

    init(entries: [Entry]) {
        for e in entries { counts[e.key] = Dictionary(zip(e.buckets, e.counts), uniquingKeysWith: max) }
    }

    var entries: JSONValue {
        .array(counts.keys.sorted().map { key in
            let buckets = counts[key]!.keys.sorted()
            return ["key": .string(key), "buckets": .array(buckets.map(JSONValue.int)),
                    "counts": .array(buckets.map { .int(counts[key]![$0]!) })]
        })
    }
}
