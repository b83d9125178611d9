/// One evaluation of one rule: the window it looks at and the search that answers it.
public struct Probe: Sendable {
    public enum Purpose: Sendable { case evaluate, termsBaseline }
    public var ruleName: String
    public var purpose: Purpose
    /// The evaluation time: the window ends here (already `query_delay` before the wall clock).
    public var end: Double
    public var start: Double
    /// `_msearch` header and body, one JSON line each.
    public var index: String
    public var body: String
}

/// A condition that holds for one key at the end of a probe's window.
public struct Finding: Sendable, Equatable {
    /// `all`, or the `query_key` values joined by `/`.
    public var key: String
    /// `query_key` field → value, for tags and messages.
    public var fields: [String: String]
    /// The measured quantity: a count, a cardinality, a metric, a percentage.
    public var value: Double
    /// Why it holds, for the alarm text: "42 events ≥ 10 in 5m".
    public var reason: String

    public init(key: String, fields: [String: String], value: Double, reason: String) {
        self.key = key; self.fields = fields; self.value = value; self.reason = reason
    }
}
