import Reporting

/// The Prometheus text exposition format (version 0.0.4), written by hand: `# HELP`, `# TYPE`, then one
/// line per sample. A family is written in one call so its samples can never be split by another family,
/// which the format forbids.
public struct PrometheusText: Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public enum Kind: String, Sendable { case counter, gauge, histogram }

    /// One time series of a family: its labels and value.
    public struct Sample: Sendable {
        public var labels: [(String, String)]
        public var value: Double
        public init(_ labels: [(String, String)] = [], _ value: Double) { self.labels = labels; self.value = value }
        public init(_ labels: [(String, String)] = [], _ value: Int) { self.init(labels, Double(value)) }
    }

    /// One histogram series: per-bucket counts (not cumulative, one more than `bounds` for `+Inf`), sum, count.
    public struct HistogramSample: Sendable {
        public var labels: [(String, String)]
        public var bounds: [Double]
        public var counts: [Int]
        public var sum: Double
        public var count: Int
        public init(labels: [(String, String)] = [], bounds: [Double], counts: [Int], sum: Double, count: Int) {
            self.labels = labels; self.bounds = bounds; self.counts = counts; self.sum = sum; self.count = count
        }
    }

    public private(set) var text = ""

    public init() {}

    /// A counter or gauge family. A family without samples is still declared, so dashboards see it exists.
    public mutating func family(_ name: String, _ kind: Kind, help: String, _ samples: [Sample]) {
        header(name, kind, help)
        for s in samples { line(name, s.labels, s.value) }
    }

    public mutating func family(_ name: String, _ kind: Kind, help: String, _ value: Double) {
        family(name, kind, help: help, [Sample([], value)])
    }

    public mutating func family(_ name: String, _ kind: Kind, help: String, _ value: Int) {
        family(name, kind, help: help, [Sample([], value)])
    }

    public mutating func histogram(_ name: String, help: String, _ series: [HistogramSample]) {
        header(name, .histogram, help)
        for h in series {
            var cumulative = 0
            for (i, bound) in h.bounds.enumerated() {
                cumulative += i < h.counts.count ? h.counts[i] : 0
                line(name + "_bucket", h.labels + [("le", Self.format(bound))], Double(cumulative))
            }
            line(name + "_bucket", h.labels + [("le", "+Inf")], Double(h.count))
            line(name + "_sum", h.labels, h.sum)
            line(name + "_count", h.labels, Double(h.count))
        }
    }

    private mutating func header(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    /// Integers without a fraction (counters read better), the special values as the format spells them.
    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func escapeHelp(_ s: String) -> String {
        s.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }
}

extension String {
    fileprivate func replacingAll(_ a: Character, with b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

extension PrometheusText {
    /// The metrics of components that name their own (the inputs): one family per name, in the order first
    /// seen, each sample labelled with its component's id (under the metric's `idLabel`) and `type`.
    /// `declared` families are written even without samples, so dashboards see they exist.
    public mutating func families(_ components: [(id: String, type: String, metrics: [Metric])], declared: [Metric] = []) {
        var order: [String] = []
        var heads: [String: Metric] = [:]
        var samples: [String: [Sample]] = [:]
        for d in declared where heads[d.name] == nil { order.append(d.name); heads[d.name] = d; samples[d.name] = [] }
        for c in components {
            for m in c.metrics {
                if heads[m.name] == nil { order.append(m.name); heads[m.name] = m }
                samples[m.name, default: []].append(Sample([(m.idLabel, c.id), ("type", c.type)] + m.labels, m.value))
            }
        }
        for name in order {
            let head = heads[name]!
            family(name, head.kind == .counter ? .counter : .gauge, help: head.help, samples[name] ?? [])
        }
    }
}
