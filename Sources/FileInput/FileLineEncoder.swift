import Config
import ECS
import Patterns
import Pipeline
import SyslogFormat

/// Turns one event (a line, or a multiline group) of a file into a bulk item in the batch, in the input's format.
struct FileLineEncoder {
    let format: FileInputSettings.Format
    var parser: SyslogParser
    var syslog: SyslogDocumentEncoder
    var namer: IndexNamer
    var timestamps = TimestampWriter()
    let dataset: [UInt8]
    let agentMembers: [UInt8]
    /// Gives each message its `log.pattern.id` (the syslog formats through `syslog`); nil when off.
    let patterns: PatternTagger?
    private var members: [JSONLineScanner.Member] = []
    private var idKey = [UInt8](repeating: 0, count: 48)
    /// The current line's `_id`, rewritten in place for every line (no allocation per line).
    private var id = [UInt8](repeating: 0, count: 22)
    /// Set by `append`: the event needed a repair or could not be parsed.
    private(set) var lastWasMalformed = false

    init(settings: FileInputSettings, zone: SyslogTimeZone, indexPattern: String, agent: AgentInfo,
         patterns: PatternTagger? = nil) {
        format = settings.format
        self.patterns = patterns
        parser = SyslogParser(zone: zone, expect: settings.format == .rfc5424 ? .rfc5424 : .rfc3164)
        syslog = SyslogDocumentEncoder(dataset: settings.dataset, agent: agent, patterns: patterns)
        namer = IndexNamer(pattern: indexPattern, dataset: settings.dataset)
        var d: [UInt8] = []
        JSONBytes.appendString(settings.dataset, to: &d)
        dataset = d
        agentMembers = agent.encodedMembers(dataset: settings.dataset)
    }

    /// `_id` = hash(device, inode, fingerprint, offset): the same line of the same file gets the same id under any
    /// name and after a lost checkpoint. Device and inode are in it so that two files that merely start alike
    /// (a short first line both share) never collide: a false duplicate would be a lost line.
    private mutating func documentID(_ file: TailedFile, _ fp: FileFingerprint, _ offset: Int64) {
        idKey.withUnsafeMutableBytes { k in
            k.storeBytes(of: file.device.littleEndian, toByteOffset: 32, as: UInt64.self)
            k.storeBytes(of: file.inode.littleEndian, toByteOffset: 40, as: UInt64.self)
            k.storeBytes(of: fp.hash.0.littleEndian, toByteOffset: 0, as: UInt64.self)
            k.storeBytes(of: fp.hash.1.littleEndian, toByteOffset: 8, as: UInt64.self)
            k.storeBytes(of: UInt64(fp.length).littleEndian, toByteOffset: 16, as: UInt64.self)
            k.storeBytes(of: UInt64(bitPattern: offset).littleEndian, toByteOffset: 24, as: UInt64.self)
        }
        idKey.withUnsafeBytes { DocumentID.make($0, into: &id) }
    }

    /// `reference` is the file's modification time (µs), the anchor for year-less RFC 3164 timestamps;
    /// `readTime` stands in when the line carries no time at all.
    mutating func append(_ line: UnsafeBufferPointer<UInt8>, offset: Int64, file: TailedFile, fingerprint: FileFingerprint,
                         reference: Int64, readTime: Int64, notes: SyslogDocumentEncoder.Notes, to builder: inout BatchBuilder) {
        documentID(file, fingerprint, offset)
        let id = self.id
        var origin = SyslogDocumentEncoder.Origin()
        origin.filePath = file.pathJSON
        origin.offset = offset
        if format == .json, JSONLineScanner.members(line, into: &members) {
            let time = jsonTime(line) ?? readTime
            let index = namer.name(microseconds: time)
            builder.append(writeAction: { BulkAction.appendCreate(index: index, id: id, to: &$0) },
                           writeDocument: { encodeJSON(line, time: time, origin: origin, notes: notes, into: &$0) })
            lastWasMalformed = false
            return
        }
        var m = SyslogMessage()
        var n = notes
        switch format {
        case .rfc3164, .rfc5424:
            m = parser.parse(line, reference: reference)
            if m.format == .unparsed { n.insert(.parseFailure) }
        case .plain:
            m.message = 0..<line.count
        case .json:
            n.insert(.jsonParseFailure)
        }
        let time = m.timestamp ?? readTime
        let index = namer.name(microseconds: time)
        builder.append(writeAction: { BulkAction.appendCreate(index: index, id: id, to: &$0) },
                       writeDocument: { syslog.encode(line, m, eventTime: time, origin: origin, notes: n, into: &$0) })
        lastWasMalformed = syslog.lastWasMalformed
    }

    private func member(_ line: UnsafeBufferPointer<UInt8>, _ key: StaticString) -> JSONLineScanner.Member? {
        members.first { JSONLineScanner.keyIs(line, $0.key, key) }
    }

    private func jsonTime(_ line: UnsafeBufferPointer<UInt8>) -> Int64? {
        for key: StaticString in ["@timestamp", "time", "timestamp", "ts"] {
            if let m = member(line, key), m.value.count > 2, line[m.value.lowerBound] == 0x22 {
                let inner = UnsafeBufferPointer(rebasing: line[(m.value.lowerBound + 1)..<(m.value.upperBound - 1)])
                if let (t, end) = parser.parseRFC3339(inner, 0), end == inner.count { return t }
            }
        }
        return nil
    }

    /// An object with `@timestamp` is taken as ECS and kept, with `event.dataset`, `log.file` and `log.offset`
    /// merged into its own `event` and `log`. Any other object is not mapped field by field (its keys are
    /// unknown and unbounded): its `message`/`msg` string becomes `message`, the whole line `event.original`.
    private mutating func encodeJSON(_ line: UnsafeBufferPointer<UInt8>, time: Int64, origin: SyslogDocumentEncoder.Origin,
                                     notes: SyslogDocumentEncoder.Notes, into out: inout [UInt8]) {
        let isECS = member(line, "@timestamp") != nil
        var w = JSONObjectWriter()
        w.begin(&out)
        func raw(_ r: Range<Int>, _ out: inout [UInt8]) { out.append(contentsOf: UnsafeBufferPointer(rebasing: line[r])) }
        func inner(_ key: StaticString, skipping: [StaticString], _ out: inout [UInt8]) {
            guard let m = member(line, key), line[m.value.lowerBound] == 0x7B else { return }
            var sub: [JSONLineScanner.Member] = []
            let obj = UnsafeBufferPointer(rebasing: line[m.value])
            guard JSONLineScanner.members(obj, into: &sub) else { return }
            for s in sub where !skipping.contains(where: { JSONLineScanner.keyIs(obj, s.key, $0) }) {
                out.append(0x2C); out.append(0x22)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: obj[s.key])); out.append(0x22); out.append(0x3A)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: obj[s.value]))
            }
        }
        if isECS {
            for m in members where !(["event", "log", "agent", "ecs"] as [StaticString]).contains(where: { JSONLineScanner.keyIs(line, m.key, $0) }) {
                w.member(&out)
                raw((m.key.lowerBound - 1)..<(m.key.upperBound + 1), &out)    // the key with its quotes
                out.append(0x3A)
                raw(m.value, &out)
            }
        } else {
            w.key("\"@timestamp\":", &out)
            out.append(0x22); timestamps.append(microseconds: time, to: &out); out.append(0x22)
            w.key("\"message\":", &out)
            if let m = member(line, "message") ?? member(line, "msg"), line[m.value.lowerBound] == 0x22 { raw(m.value, &out) }
            else { JSONBytes.appendString(line, to: &out) }
        }
        w.beginObject("\"event\":", &out)
        w.key("\"dataset\":", &out); out.append(contentsOf: dataset)
        if isECS { inner("event", skipping: ["dataset"], &out) } else { w.key("\"original\":", &out); JSONBytes.appendOriginal(line, to: &out) }
        w.endObject(&out)
        w.beginObject("\"log\":", &out)
        w.beginObject("\"file\":", &out)
        if let p = origin.filePath { w.key("\"path\":", &out); out.append(contentsOf: p) }
        w.endObject(&out)
        w.key("\"offset\":", &out); JSONBytes.appendInteger(origin.offset, to: &out)
        if let patterns {
            // The message as the line has it (a JSON string's escapes included): the same text gets the same id.
            let text: Range<Int>? = if let m = member(line, "message") ?? member(line, "msg"), line[m.value.lowerBound] == 0x22,
                                       m.value.count >= 2 { (m.value.lowerBound + 1)..<(m.value.upperBound - 1) }
                                    else if isECS { nil } else { 0..<line.count }
            if let text {
                let id = patterns.tag(UnsafeBufferPointer(rebasing: line[text]), timestampMillis: time / 1000)
                w.beginObject("\"pattern\":", &out)
                w.key("\"id\":", &out); JSONBytes.appendQuotedHex64(id.rawValue, to: &out)
                w.endObject(&out)
            }
        }
        if isECS { inner("log", skipping: patterns == nil ? ["file", "offset"] : ["file", "offset", "pattern"], &out) }
        w.endObject(&out)
        if !isECS && notes.contains(.multiline) { w.key("\"tags\":", &out); out.append(contentsOf: Array(#"["multiline"]"#.utf8)) }
        w.rawMembers(agentMembers, &out)
        out.append(0x7D)
    }
}
