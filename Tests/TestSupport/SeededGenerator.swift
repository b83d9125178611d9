/// SplitMix64: small and seedable, so a failing randomized test names a seed that reproduces it.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The numbers of a `summary: read=… indexed=…` line that `logbridge ship` prints last on stdout.
public func shipSummary(fromOutput stdout: String) -> [String: Int] {
    guard let line = stdout.split(separator: "\n").last(where: { $0.hasPrefix("summary:") }) else { return [:] }
    var out: [String: Int] = [:]
    for part in line.dropFirst("summary:".count).split(separator: " ") {
        let kv = part.split(separator: "=")
        if kv.count == 2, let v = Int(kv[1]) { out[String(kv[0])] = v }
    }
    return out
}
