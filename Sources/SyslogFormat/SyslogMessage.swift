/// What the parsers found in one syslog line: numbers, and ranges into the caller's bytes for the strings,
/// so a message is parsed without copying or allocating.
public struct SyslogMessage: Sendable {
    public enum Format: Sendable, Equatable { case rfc5424, rfc3164, unparsed }

    public var format: Format = .unparsed
    /// 0–191, or -1 when the line had no (valid) `<PRI>`.
    public var priority: Int = -1
    /// 1 for RFC 5424; 0 otherwise.
    public var version: Int = 0
    /// Microseconds since the epoch (UTC), when the line carried a usable timestamp.
    public var timestamp: Int64? = nil
    public var hostname: Range<Int>? = nil
    public var appname: Range<Int>? = nil
    public var procid: Range<Int>? = nil
    public var msgid: Range<Int>? = nil
    /// The raw SD-ELEMENTs, brackets included (`[id k="v"][id2 …]`).
    public var structuredData: Range<Int>? = nil
    public var message: Range<Int>? = nil
    /// `last message repeated N times` (or rsyslog's `message repeated N times: [...]`): the repeat count.
    public var repeated: Int? = nil

    public init() {}

    public var facility: Int? { priority >= 0 ? priority >> 3 : nil }
    public var severity: Int? { priority >= 0 ? priority & 7 : nil }
}
