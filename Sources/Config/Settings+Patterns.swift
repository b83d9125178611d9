/// `patterns:` — the log-template miner that gives every message a `log.pattern.id` (docs/patterns.md).
/// On by default; `patterns: false` on an input switches it off for that input only.
public struct PatternSettings: Sendable, Equatable {
    public var enabled = true
    /// Patterns kept per input before the least recently used is evicted.
    public var maxPatterns = 10_000
    /// Extra masks: globs over one whole token (`*` any run of bytes, `?` one byte), e.g. `blk_*`, `job-????`.
    public var masks: [String] = []
    /// Whether the shipper writes the pattern catalogue (`logbridge-patterns-YYYY.MM`).
    public var catalogue = true
    /// How often changed patterns are written to the catalogue (and the miner state saved).
    public var catalogueIntervalSeconds: Double = 30
    /// Inputs with `patterns: false`.
    public var disabledInputs: Set<String> = []

    public init() {}

    public func enabled(forInput id: String) -> Bool { enabled && !disabledInputs.contains(id) }
}
