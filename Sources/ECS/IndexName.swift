/// Index names from a pattern such as `logs-{dataset}-{yyyy.MM.dd}`, resolved by event time in UTC.
/// The name is rebuilt only when the event day changes, so the hot path just appends cached bytes.
public struct IndexNamer: Sendable {
    enum Segment: Sendable, Equatable { case literal([UInt8]), year, month, day }

    private let segments: [Segment]
    private var cachedDay: Int64 = .min
    private var cachedName: [UInt8] = []
    public let isDaily: Bool

    /// `{dataset}` is substituted here, once; date tokens stay for `name(day:)`.
    public init(pattern: String, dataset: String) {
        var segs: [Segment] = []
        var literal: [UInt8] = []
        var rest = Substring(pattern)
        func flushLiteral() { if !literal.isEmpty { segs.append(.literal(literal)); literal = [] } }
        while let open = rest.firstIndex(of: "{") {
            literal.append(contentsOf: Array(rest[..<open].utf8))
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let token = rest[rest.index(after: open)..<close]
            switch token {
            case "dataset": literal.append(contentsOf: Array(dataset.utf8))
            case "yyyy.MM.dd":
                flushLiteral(); segs += [.year, .literal([0x2E]), .month, .literal([0x2E]), .day]
            case "yyyy": flushLiteral(); segs.append(.year)
            case "MM": flushLiteral(); segs.append(.month)
            case "dd": flushLiteral(); segs.append(.day)
            default: literal.append(contentsOf: Array(rest[open...close].utf8))
            }
            rest = rest[rest.index(after: close)...]
        }
        literal.append(contentsOf: Array(rest.utf8))
        flushLiteral()
        segments = segs
        isDaily = segs.contains { if case .literal = $0 { return false }; return true }
    }

    /// The index for an event at `microseconds` since the epoch.
    @inline(__always)
    public mutating func name(microseconds: Int64) -> [UInt8] {
        let day = TimestampWriter.split(microseconds).day
        if day != cachedDay || cachedName.isEmpty {
            cachedDay = day
            cachedName = render(day: day)
        }
        return cachedName
    }

    public func render(day: Int64) -> [UInt8] {
        let (y, m, d) = TimestampWriter.civil(fromDays: day)
        var out: [UInt8] = []
        for s in segments {
            switch s {
            case .literal(let l): out.append(contentsOf: l)
            case .year: TimestampWriter.append4(y, &out)
            case .month: TimestampWriter.append2(m, &out)
            case .day: TimestampWriter.append2(d, &out)
            }
        }
        return out
    }
}

/// The `_bulk` action line every input writes: `create` so that a deterministic `_id` makes retries idempotent.
public enum BulkAction {
    @inlinable @inline(__always)
    public static func appendCreate<Out: JSONOutput>(index: [UInt8], id: [UInt8], to out: inout Out) {
        out.append(#"{"create":{"_index":""#)
        out.append(bytes: index)
        out.append(#"","_id":""#)
        out.append(bytes: id)
        out.append(#""}}"#)
    }
}
