/// Patterns: an online log-template miner. It owns turning one message (bytes) into a stable 64-bit pattern id
/// and a template with `<*>` for the parameters, the bounded per-input table of patterns behind it, and that
/// table's state file. It knows nothing of inputs, documents or the cluster: a caller (one per input, one
/// thread) hands it messages and reads ids, templates and counters back. Algorithm, masks, bounds and the id
/// stability contract: docs/patterns.md.

/// A pattern's id: the hash of the masked skeleton of the message that founded it (see `PatternMiner`).
/// Printed as 16 lowercase hex digits.
public struct PatternID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// 16 hex digits, or nil.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 16, let v = UInt64(hex, radix: 16) else { return nil }
        rawValue = v
    }

    public var description: String {
        let digits = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func < (a: PatternID, b: PatternID) -> Bool { a.rawValue < b.rawValue }
}

/// The miner's limits and the operator's extra masks. The similarity rule and the built-in masks are not
/// settings: one configuration serves every source, and changing them would change ids.
public struct MinerLimits: Sendable, Equatable {
    /// Patterns kept; past it the least recently used one is evicted (counted).
    public var maxPatterns: Int = 10_000
    /// Tokens mined per message; the rest of the message is folded into one trailing `<*>` (counted).
    public var maxTokens: Int = 80
    /// Bytes of a message mined; the rest is folded like extra tokens. Bounds time and template size.
    public var maxMessageBytes: Int = 4096
    /// Bytes of the founding message kept as the pattern's example.
    public var exampleBytes: Int = 256
    /// Extra masks, applied to whole tokens before the built-in classes.
    public var extraMasks: [ExtraMask] = []

    public init() {}
}

/// An operator's mask for a token kind the built-in classes miss. Matching is linear in the token (no
/// backtracking regular expressions).
public enum ExtraMask: Sendable, Equatable {
    /// Tokens starting with this text, e.g. `"blk_"` or `"job-"`.
    case prefix(String)
    /// A glob over the whole token: `*` any run of bytes, `?` one byte, everything else literal.
    case glob(String)

    func matches(_ token: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .prefix(let p):
            var p = p
            return p.withUTF8 { pb in
                pb.count <= token.count && memcmpEqual(pb, token, pb.count)
            }
        case .glob(let g):
            var g = g
            return g.withUTF8 { globMatch(UnsafeRawBufferPointer($0), token) }
        }
    }
}

@inline(__always) private func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeRawBufferPointer, _ n: Int) -> Bool {
    var i = 0
    while i < n { if a[i] != b[i] { return false }; i += 1 }
    return true
}

/// Wildcard match with one remembered star: O(pattern × token) at worst, never exponential.
func globMatch(_ pattern: UnsafeRawBufferPointer, _ text: UnsafeRawBufferPointer) -> Bool {
    var p = 0, t = 0, star = -1, mark = 0
    while t < text.count {
        if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || (pattern[p] != UInt8(ascii: "*") && pattern[p] == text[t])) {
            p += 1; t += 1
        } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
            star = p; mark = t; p += 1
        } else if star >= 0 {
            p = star + 1; mark += 1; t = mark
        } else {
            return false
        }
    }
    while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
}

/// Counters for `/metrics`.
public struct MinerCounters: Sendable, Equatable {
    public var messages: UInt64 = 0
    /// Patterns currently held.
    public var patterns: Int = 0
    /// Patterns ever created (evicted or merged ones included).
    public var created: UInt64 = 0
    /// Patterns dropped to stay under `maxPatterns`.
    public var evictions: UInt64 = 0
    /// Messages cut at `maxTokens` or `maxMessageBytes`.
    public var truncatedMessages: UInt64 = 0
    /// Patterns whose template widened into another's and became its alias.
    public var merges: UInt64 = 0
}

/// What a catalogue needs to know of one pattern.
public struct PatternInfo: Sendable, Equatable {
    public var id: PatternID
    public var template: String
    /// The hash of the current template text: equal across hosts whose patterns converged to the same
    /// template from different founding messages, so a catalogue can reconcile their ids.
    public var templateHash: PatternID
    public var example: String
    public var count: UInt64
    /// Caller-supplied timestamps (e.g. epoch milliseconds) of the first and the last message.
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// Ids of patterns merged into this one.
    public var aliases: [PatternID]
}
