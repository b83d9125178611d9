import ECS
import Patterns

/// Writes one syslog line as an ECS document (fields in docs/inputs-syslog-file.md) straight into a bulk body.
/// Shared by the network receiver and the file input's `rfc3164`/`rfc5424`/`plain` formats.
public struct SyslogDocumentEncoder {
    /// Where the line came from, pre-encoded where it is per source rather than per line.
    public struct Origin {
        /// `"10.0.0.1"` (JSON string, quotes included) for network senders.
        public var sourceIP: [UInt8]? = nil
        /// `"/var/log/messages"` (JSON string) and the byte offset of the line, for files.
        public var filePath: [UInt8]? = nil
        public var offset: Int64 = -1
        public init() {}
    }

    /// What else happened to the line on its way here; each becomes a tag.
    public struct Notes: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The parser could not read the line as syslog: raw text in `event.original` (also written for lines
        /// with invalid UTF-8, whose bytes `message` cannot keep).
        public static let parseFailure = Notes(rawValue: 1)
        /// Cut at the configured maximum size.
        public static let truncated = Notes(rawValue: 2)
        /// Several physical lines grouped by the multiline rule.
        public static let multiline = Notes(rawValue: 4)
        /// The multiline group hit its line or byte limit.
        public static let multilineTruncated = Notes(rawValue: 8)
        /// A `json` file line that is not one well-formed JSON object: raw text in `event.original`.
        public static let jsonParseFailure = Notes(rawValue: 16)
    }

    let dataset: [UInt8]
    let agentMembers: [UInt8]
    var timestamps = TimestampWriter()
    var structuredData = StructuredDataWriter()
    /// Gives each message its `log.pattern.id`; nil when patterns are off for the input.
    public var patterns: PatternTagger?
    /// Whether the last document needed repairs (invalid UTF-8) or a parse failure; for the input's counters.
    public private(set) var lastWasMalformed = false

    /// Per priority (0–191): `"level":"info"` and `"priority":134,"severity":{…},"facility":{…}`, written with
    /// one append each instead of a dozen small ones; the document is otherwise built member by member, and
    /// these members were most of the appends of a typical line.
    static let levelMembers: [[UInt8]] = (0..<192).map { p in Array(#""level":""#.utf8) + SyslogNames.severities[p & 7] + [0x22] }
    static let priorityMembers: [[UInt8]] = (0..<192).map { p in
        let s = p & 7, f = p >> 3
        var out = Array(#""priority":\#(p),"severity":{"code":\#(s),"name":""#.utf8) + SyslogNames.severities[s]
        out += Array(#""},"facility":{"code":\#(f),"name":""#.utf8) + SyslogNames.facilities[f] + Array(#""}"#.utf8)
        return out
    }
    /// `"event":{"dataset":"…"}` followed by the agent members and the closing brace: the end of every document
    /// that needs no `event.original`.
    let plainTail: [UInt8]

    public init(dataset: String, agent: AgentInfo, patterns: PatternTagger? = nil) {
        self.patterns = patterns
        var d: [UInt8] = []
        JSONBytes.appendString(dataset, to: &d)
        self.dataset = d
        self.agentMembers = agent.encodedMembers(dataset: dataset)
        var tail = Array(#""event":{"dataset":"#.utf8) + d + [0x7D]
        if !agentMembers.isEmpty { tail += [0x2C] + agentMembers }
        tail.append(0x7D)
        plainTail = tail
    }

    /// Where a document is written before it is copied into `out` in one piece (see `ByteWriter`); one encoder
    /// serves one thread.
    private let scratch = ByteWriter(capacity: 16 * 1024)

    public mutating func encode(_ line: UnsafeBufferPointer<UInt8>, _ m: SyslogMessage, eventTime: Int64,
                                origin: Origin, notes: Notes, into out: inout [UInt8]) {
        scratch.removeAll()
        var document = scratch
        write(line, m, eventTime: eventTime, origin: origin, notes: notes, into: &document)
        out.append(contentsOf: scratch.bytes)
    }

    private mutating func write(_ line: UnsafeBufferPointer<UInt8>, _ m: SyslogMessage, eventTime: Int64,
                                origin: Origin, notes: Notes, into out: inout ByteWriter) {
        var w = JSONObjectWriter()
        var invalidUTF8 = false
        @inline(__always) func str(_ r: Range<Int>, _ out: inout ByteWriter) {
            if !JSONBytes.appendString(UnsafeBufferPointer(rebasing: line[r]), to: &out) { invalidUTF8 = true }
        }
        w.begin(&out)
        w.key("\"@timestamp\":", &out)
        out.append(0x22)
        timestamps.append(microseconds: eventTime, to: &out)
        out.append(0x22)

        let failed = !notes.isDisjoint(with: [.parseFailure, .jsonParseFailure])
        let whole = 0..<trimEnd(line, 0, line.count)
        let messageRange = failed ? whole : (m.message ?? whole.endIndex..<whole.endIndex)
        w.key("\"message\":", &out)
        str(messageRange, &out)
        let pattern = patterns.map {
            $0.tag(UnsafeBufferPointer(rebasing: line[messageRange]), timestampMillis: eventTime / 1000).rawValue
        }

        let severity = m.severity, facility = m.facility
        let hasSyslog = m.priority >= 0 || m.hostname != nil || m.appname != nil || m.procid != nil || m.msgid != nil
            || m.structuredData != nil || m.version > 0
        if hasSyslog || origin.filePath != nil || pattern != nil {
            w.beginObject("\"log\":", &out)
            if severity != nil { w.rawMembers(Self.levelMembers[m.priority], &out) }
            if let pattern {
                w.beginObject("\"pattern\":", &out)
                w.key("\"id\":", &out); JSONBytes.appendQuotedHex64(pattern, to: &out)
                w.endObject(&out)
            }
            if let path = origin.filePath {
                w.beginObject("\"file\":", &out)
                w.key("\"path\":", &out); out.append(bytes: path)
                w.endObject(&out)
                w.key("\"offset\":", &out); JSONBytes.appendInteger(origin.offset, to: &out)
            }
            if hasSyslog {
                w.beginObject("\"syslog\":", &out)
                if severity != nil && facility != nil { w.rawMembers(Self.priorityMembers[m.priority], &out) }
                if let r = m.hostname { w.key("\"hostname\":", &out); str(r, &out) }
                if let r = m.appname { w.key("\"appname\":", &out); str(r, &out) }
                if let r = m.procid { w.key("\"procid\":", &out); str(r, &out) }
                if let r = m.msgid { w.key("\"msgid\":", &out); str(r, &out) }
                if let r = m.structuredData {
                    w.key("\"structured_data\":", &out)
                    if !structuredData.write(line, r, into: &out) { invalidUTF8 = true }
                }
                if m.version > 0 {
                    // A keyword in ECS (`"1"`), not a number.
                    w.key("\"version\":", &out); out.append(0x22); JSONBytes.appendInteger(Int64(m.version), to: &out); out.append(0x22)
                }
                w.endObject(&out)
            }
            w.endObject(&out)
        }
        if let r = m.hostname {
            w.beginObject("\"host\":", &out); w.key("\"name\":", &out); str(r, &out); w.endObject(&out)
        }
        if m.appname != nil || m.procid != nil {
            let pid = m.procid.flatMap { ASCIIDecimal.unsigned(line, $0) }
            if m.appname != nil || pid != nil {
                w.beginObject("\"process\":", &out)
                if let r = m.appname { w.key("\"name\":", &out); str(r, &out) }
                if let pid { w.key("\"pid\":", &out); JSONBytes.appendInteger(pid, to: &out) }
                w.endObject(&out)
            }
        }
        if let ip = origin.sourceIP {
            w.beginObject("\"source\":", &out); w.key("\"ip\":", &out); out.append(bytes: ip); w.endObject(&out)
        }
        let tagged = !notes.isEmpty || invalidUTF8 || m.repeated != nil
        if !failed && !tagged {
            // Members were written before it (at least @timestamp), so the tail always needs its comma.
            out.append(0x2C)
            out.append(bytes: plainTail)
            lastWasMalformed = false
            return
        }
        w.beginObject("\"event\":", &out)
        w.key("\"dataset\":", &out); out.append(bytes: dataset)
        // What arrived, byte for byte: the message is unreadable (parse failure) or had bytes replaced by U+FFFD.
        if failed || invalidUTF8 {
            w.key("\"original\":", &out)
            JSONBytes.appendOriginal(UnsafeBufferPointer(rebasing: line[whole]), to: &out)
        }
        w.endObject(&out)
        if tagged {
            w.beginArray("\"tags\":", &out)
            if notes.contains(.parseFailure) { w.element("\"syslog_parse_failure\"", &out) }
            if notes.contains(.jsonParseFailure) { w.element("\"json_parse_failure\"", &out) }
            if notes.contains(.truncated) { w.element("\"syslog_truncated\"", &out) }
            if notes.contains(.multiline) { w.element("\"multiline\"", &out) }
            if notes.contains(.multilineTruncated) { w.element("\"multiline_truncated\"", &out) }
            if invalidUTF8 { w.element("\"syslog_invalid_utf8\"", &out) }
            if m.repeated != nil { w.element("\"syslog_repeated\"", &out) }
            w.endArray(&out)
        }
        w.rawMembers(agentMembers, &out)
        out.append(0x7D)
        lastWasMalformed = failed || invalidUTF8
    }

}
