import ECS
import Patterns

/// Turns one InfoLogger record into one bulk item (`action\n` + ECS document `\n`), as `BatchBuilder.append`
/// writes it, so the spool holds exactly what is later sent. Field table: docs/fields.md.
struct InfoLoggerDocumentEncoder {
    private let dataset: [UInt8]
    private let agentMembers: [UInt8]
    private var namer: IndexNamer
    private var timestamps = TimestampWriter()
    private var record = InfoLoggerRecord()
    private var w = JSONObjectWriter()
    /// The document id, rewritten in place for every record (the array-returning `make` allocated per record).
    private var id: [UInt8] = []
    /// Gives each message its `log.pattern.id`; nil when patterns are off for this input.
    private let patterns: PatternTagger?

    /// Set by `encode`: the record had to be indexed whole (could not be split) or had a bad value.
    private(set) var lastProblem: String? = nil

    init(dataset: String, indexPattern: String, agent: AgentInfo, patterns: PatternTagger? = nil) {
        self.patterns = patterns
        var d: [UInt8] = []
        JSONBytes.appendString(dataset, to: &d)
        self.dataset = d
        self.agentMembers = agent.encodedMembers(dataset: dataset)
        self.namer = IndexNamer(pattern: indexPattern, dataset: dataset)
    }

    /// Where an item is written before it is copied into `out` in one piece (see `ByteWriter`); one encoder serves
    /// one thread.
    private let scratch = ByteWriter(capacity: 16 * 1024)

    /// Appends the bulk item for `bytes` to `out`. `arrivalMicros` stands in when the record has no usable time.
    mutating func encode(_ bytes: UnsafeBufferPointer<UInt8>, arrivalMicros: Int64, into out: inout [UInt8]) {
        scratch.removeAll()
        var item = scratch
        write(bytes, arrivalMicros: arrivalMicros, into: &item)
        out.append(contentsOf: scratch.bytes)
    }

    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>, arrivalMicros: Int64, into out: inout ByteWriter) {
        lastProblem = nil
        let problem = record.parse(bytes)
        var time = arrivalMicros
        var badTimestamp = false
        if problem == nil {
            let r = record.range(.timestamp)
            if let t = InfoLoggerNumbers.timestampMicros(bytes, r) { time = t } else if !r.isEmpty { badTimestamp = true }
        }
        // The whole record is the identity: a frame re-sent after a reconnect maps to the same document.
        DocumentID.make(UnsafeRawBufferPointer(bytes), into: &id)
        BulkAction.appendCreate(index: namer.name(microseconds: time), id: id, to: &out)
        out.append(0x0A)

        w.begin(&out)
        w.key("\"@timestamp\":", &out)
        out.append(0x22)
        timestamps.append(microseconds: time, to: &out)
        out.append(0x22)
        var validUTF8 = true
        if let problem {
            w.key("\"message\":", &out)
            validUTF8 = JSONBytes.appendString(bytes, to: &out)
            w.beginObject("\"error\":", &out)
            w.key("\"message\":", &out)
            JSONBytes.appendString(problem.text, to: &out)
            w.endObject(&out)
            lastProblem = problem.text
        } else {
            validUTF8 = fields(bytes, time: time, &out)
            if badTimestamp { lastProblem = "unparsable timestamp" }
        }
        if !validUTF8 && lastProblem == nil { lastProblem = "invalid UTF-8" }
        w.beginObject("\"event\":", &out)
        w.key("\"dataset\":", &out)
        out.append(bytes: dataset)
        if lastProblem != nil {
            // Kept whole so nothing is lost, even when a field had to be dropped or repaired.
            w.key("\"original\":", &out)
            JSONBytes.appendOriginal(bytes, to: &out)
        }
        w.endObject(&out)
        if lastProblem != nil {
            w.key("\"tags\":", &out)
            if problem != nil {
                Self.append("[\"infologger_malformed\"]", &out)
            } else if badTimestamp {
                Self.append("[\"infologger_invalid_timestamp\"]", &out)
            } else {
                Self.append("[\"infologger_invalid_utf8\"]", &out)
            }
        }
        w.rawMembers(agentMembers, &out)
        out.append(0x7D)
        out.append(0x0A)
    }

    /// The split record's fields; false when a string had invalid UTF-8 (replaced by U+FFFD).
    private mutating func fields(_ b: UnsafeBufferPointer<UInt8>, time: Int64, _ out: inout ByteWriter) -> Bool {
        // Locals, so the nested helpers never overlap an access to `self` (exclusivity).
        let record = self.record
        var w = self.w
        defer { self.w = w }
        var valid = true
        @inline(__always) func has(_ f: InfoLoggerRecord.Field) -> Bool { !record.isEmpty(f) }
        @inline(__always) func slice(_ f: InfoLoggerRecord.Field) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: b[record.range(f)])
        }
        func string(_ key: StaticString, _ f: InfoLoggerRecord.Field, _ w: inout JSONObjectWriter, _ out: inout ByteWriter) {
            guard has(f) else { return }
            w.key(key, &out)
            if !JSONBytes.appendString(slice(f), to: &out) { valid = false }
        }
        func number(_ f: InfoLoggerRecord.Field) -> Int64? { InfoLoggerNumbers.positiveInteger(b, record.range(f)) }

        w.key("\"message\":", &out)
        if !JSONBytes.appendString(slice(.message), to: &out) { valid = false }

        let pattern = patterns.map { $0.tag(slice(.message), timestampMillis: time / 1000).rawValue }
        let level = Self.severityLevel(b, record.range(.severity))
        let errline = number(.errline)
        if level != nil || has(.errsource) || errline != nil || pattern != nil {
            w.beginObject("\"log\":", &out)
            if let level { w.key("\"level\":", &out); Self.append(level, &out) }
            if let pattern {
                w.beginObject("\"pattern\":", &out)
                w.key("\"id\":", &out); JSONBytes.appendQuotedHex64(pattern, to: &out)
                w.endObject(&out)
            }
            if has(.errsource) || errline != nil {
                w.beginObject("\"origin\":", &out)
                w.beginObject("\"file\":", &out)
                string("\"name\":", .errsource, &w, &out)
                if let errline { w.key("\"line\":", &out); JSONBytes.appendInteger(errline, to: &out) }
                w.endObject(&out)
                w.endObject(&out)
            }
            w.endObject(&out)
        }
        if has(.hostname) { w.beginObject("\"host\":", &out); string("\"name\":", .hostname, &w, &out); w.endObject(&out) }
        if let pid = number(.pid) {
            w.beginObject("\"process\":", &out)
            w.key("\"pid\":", &out); JSONBytes.appendInteger(pid, to: &out)
            w.endObject(&out)
        }
        if has(.username) { w.beginObject("\"user\":", &out); string("\"name\":", .username, &w, &out); w.endObject(&out) }
        if let code = number(.errcode) {
            w.beginObject("\"error\":", &out)
            w.key("\"code\":", &out)
            out.append(0x22); JSONBytes.appendInteger(code, to: &out); out.append(0x22)
            w.endObject(&out)
        }

        w.beginObject("\"infologger\":", &out)
        string("\"severity\":", .severity, &w, &out)
        if let l = number(.level) {
            w.key("\"level\":", &out); JSONBytes.appendInteger(l, to: &out)
            if let c = Self.levelClass(l) { w.key("\"level_class\":", &out); Self.append(c, &out) }
        }
        string("\"rolename\":", .rolename, &w, &out)
        string("\"system\":", .system, &w, &out)
        string("\"facility\":", .facility, &w, &out)
        string("\"detector\":", .detector, &w, &out)
        string("\"partition\":", .partition, &w, &out)
        if let run = number(.run) { w.key("\"run\":", &out); JSONBytes.appendInteger(run, to: &out) }
        string("\"dest\":", .dest, &w, &out)
        w.endObject(&out)
        return valid
    }

    /// `log.level` from the one-letter severity, in the syslog keywords every other dataset writes (journald,
    /// syslog, files), so one filter (`err` or worse) finds errors everywhere: E(rror) → `err`, F(atal) → `crit`.
    /// nil for U(ndefined), empty or unknown letters.
    private static func severityLevel(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> StaticString? {
        guard r.count == 1 else { return nil }
        switch b[r.lowerBound] {
        case 0x49: return "\"info\""
        case 0x57: return "\"warning\""
        case 0x45: return "\"err\""
        case 0x46: return "\"crit\""
        case 0x44: return "\"debug\""
        default: return nil
        }
    }

    /// InfoLogger's message levels: 1 operations (1–5), 6 support (6–10), 11 developer (11–20), 21 trace (21–99).
    static func levelClass(_ level: Int64) -> StaticString? {
        switch level {
        case 1...5: return "\"operations\""
        case 6...10: return "\"support\""
        case 11...20: return "\"developer\""
        case 21...99: return "\"trace\""
        default: return nil
        }
    }

    @inline(__always) private static func append(_ s: StaticString, _ out: inout ByteWriter) { out.append(s) }
}
