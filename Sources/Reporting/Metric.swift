/// One sample a component exports on `/metrics`, with its family's name, kind and help. Telemetry groups the
/// samples of every input by name (one family each, in the order first seen) and adds the input's labels:
/// `input` and `type` (`listener` and `type` for listener metrics, as they were named before inputs owned them).
public struct Metric: Sendable {
    public enum Kind: String, Sendable { case counter, gauge }

    public var name: String
    public var kind: Kind
    public var help: String
    /// Labels besides the input's own (e.g. `reason`).
    public var labels: [(String, String)]
    public var value: Double
    /// The label that carries the input's id: `input`, or `listener` for `logbridge_listener_*`.
    public var idLabel: String

    public init(_ name: String, _ kind: Kind, help: String, labels: [(String, String)] = [], idLabel: String = "input",
                _ value: Double) {
        self.name = name; self.kind = kind; self.help = help; self.labels = labels; self.idLabel = idLabel
        self.value = value
    }

    public init(_ name: String, _ kind: Kind, help: String, labels: [(String, String)] = [], idLabel: String = "input",
                _ value: Int) {
        self.init(name, kind, help: help, labels: labels, idLabel: idLabel, Double(value))
    }
}
