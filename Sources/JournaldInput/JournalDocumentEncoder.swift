import ECS
import Patterns

/// Writes one journal entry as an ECS document (the table in docs/fields.md), straight into the bulk body.
struct JournalDocumentEncoder {
    let dataset: [UInt8]
    let agentMembers: [UInt8]
    /// Gives each message its `log.pattern.id`; nil when patterns are off for this input.
    let patterns: PatternTagger?
    var timestamps = TimestampWriter()
    /// Whether the last `encode` had to repair something (invalid UTF-8, a non-numeric number), for counters.
    private(set) var lastWasMalformed = false

    init(dataset: String, agent: AgentInfo, patterns: PatternTagger? = nil) {
        self.patterns = patterns
        var d: [UInt8] = []
        JSONBytes.appendString(dataset, to: &d)
        self.dataset = d
        self.agentMembers = agent.encodedMembers(dataset: dataset)
    }

    /// The time the event happened: the sender's own timestamp when journald recorded one.
    func eventTime(_ e: JournalEntry) -> Int64 {
        if e.has(.sourceRealtime) {
            let i = JournalField.sourceRealtime.rawValue
            let v = parseInteger(e.bytes + e.start[i], e.length[i])
            if let v, v > 0 { return v }
        }
        return e.realtime
    }

    /// Where a document is written before it is copied into the body in one piece (see `ByteWriter`).
    private let scratch = ByteWriter(capacity: 16 * 1024)
    private let names = ByteWriter(capacity: 256)

    mutating func encode(_ e: JournalEntry, eventTime: Int64, into out: inout [UInt8]) {
        scratch.removeAll()
        var em = Emitter(entry: e, out: scratch, names: names)
        if let patterns, e.has(.message) {
            let i = JournalField.message.rawValue
            em.patternID = patterns.tag(UnsafeRawBufferPointer(start: e.bytes + e.start[i], count: e.length[i]),
                                        timestampMillis: eventTime / 1000).rawValue
        }
        em.w.begin(&em.out)
        em.w.key("\"@timestamp\":", &em.out)
        em.out.append(0x22)
        timestamps.append(microseconds: eventTime, to: &em.out)
        em.out.append(0x22)
        em.base = e.bytes
        em.fields()
        em.w.beginObject("\"event\":", &em.out)
        em.w.key("\"dataset\":", &em.out)
        em.out.append(bytes: dataset)
        em.w.endObject(&em.out)
        em.tags()
        em.w.rawMembers(agentMembers, &em.out)
        em.out.append(0x7D)
        lastWasMalformed = em.invalidUTF8 || em.invalidNumber
        out.append(contentsOf: scratch.bytes)
    }
}

private struct Emitter {
    let e: JournalEntry
    var out: ByteWriter
    /// A custom field's lower-cased name, before it is escaped into `out`.
    let names: ByteWriter
    var w = JSONObjectWriter()
    var base: UnsafePointer<UInt8>! = nil
    var invalidUTF8 = false
    var invalidNumber = false
    var patternID: UInt64? = nil

    init(entry: JournalEntry, out: ByteWriter, names: ByteWriter) { e = entry; self.out = out; self.names = names }

    @inline(__always) func any(_ mask: UInt64) -> Bool { e.present & mask != 0 }

    @inline(__always) func value(_ f: JournalField) -> UnsafeBufferPointer<UInt8>? {
        guard e.has(f) else { return nil }
        return UnsafeBufferPointer(start: base + e.start[f.rawValue], count: e.length[f.rawValue])
    }

    @inline(__always) mutating func string(_ key: StaticString, _ f: JournalField) {
        guard let v = value(f) else { return }
        w.key(key, &out)
        if !JSONBytes.appendString(v, to: &out) { invalidUTF8 = true }
    }

    /// nil when absent; `.some(nil)` when present but not an integer (counted, field left out).
    @inline(__always) mutating func integer(_ f: JournalField) -> Int64?? {
        guard let v = value(f) else { return nil }
        guard let n = parseInteger(v.baseAddress!, v.count) else { invalidNumber = true; return .some(nil) }
        return .some(n)
    }

    @inline(__always) mutating func number(_ key: StaticString, _ f: JournalField) {
        if case let .some(.some(n)) = integer(f) { w.key(key, &out); JSONBytes.appendInteger(n, to: &out) }
    }

    @inline(__always) mutating func keyword(_ key: StaticString, _ s: [UInt8]) {
        w.key(key, &out); out.append(0x22); out.append(bytes: s); out.append(0x22)
    }

    mutating func fields() {
        string("\"message\":", .message)
        log()
        if any(m(.hostname) | m(.machineID)) {
            w.beginObject("\"host\":", &out)
            string("\"name\":", .hostname)
            string("\"id\":", .machineID)
            w.endObject(&out)
        }
        process()
        if e.has(.uid) { w.beginObject("\"user\":", &out); string("\"id\":", .uid); w.endObject(&out) }
        if e.has(.gid) { w.beginObject("\"group\":", &out); string("\"id\":", .gid); w.endObject(&out) }
        systemd()
        journald()
    }

    mutating func log() {
        var severity: Int64? = nil
        if case let .some(.some(p)) = integer(.priority), (0...7).contains(p) { severity = p }
        var facility: Int64? = nil
        if case let .some(.some(f)) = integer(.syslogFacility), (0...23).contains(f) { facility = f }
        if facility == nil, severity != nil {
            // journald leaves the facility out for native and stdout logging; syslog(3) defaults to user,
            // the kernel is kern. rsyslog's imjournal makes the same choice.
            facility = isKernel ? 0 : 1
        }
        guard severity != nil || patternID != nil
              || any(m(.syslogIdentifier) | m(.syslogPID) | m(.codeFile) | m(.codeLine) | m(.codeFunc))
        else { return }
        w.beginObject("\"log\":", &out)
        if let s = severity { keyword("\"level\":", SyslogNames.severities[Int(s)]) }
        if let p = patternID {
            w.beginObject("\"pattern\":", &out)
            w.key("\"id\":", &out); JSONBytes.appendQuotedHex64(p, to: &out)
            w.endObject(&out)
        }
        if severity != nil || any(m(.syslogIdentifier) | m(.syslogPID)) {
            w.beginObject("\"syslog\":", &out)
            if let s = severity, let f = facility {
                w.key("\"priority\":", &out); JSONBytes.appendInteger(f * 8 + s, to: &out)
                w.beginObject("\"severity\":", &out)
                w.key("\"code\":", &out); JSONBytes.appendInteger(s, to: &out)
                keyword("\"name\":", SyslogNames.severities[Int(s)])
                w.endObject(&out)
                w.beginObject("\"facility\":", &out)
                w.key("\"code\":", &out); JSONBytes.appendInteger(f, to: &out)
                keyword("\"name\":", SyslogNames.facilities[Int(f)])
                w.endObject(&out)
            }
            string("\"appname\":", .syslogIdentifier)
            string("\"procid\":", .syslogPID)
            w.endObject(&out)
        }
        if any(m(.codeFile) | m(.codeLine) | m(.codeFunc)) {
            w.beginObject("\"origin\":", &out)
            if any(m(.codeFile) | m(.codeLine)) {
                w.beginObject("\"file\":", &out)
                string("\"name\":", .codeFile)
                number("\"line\":", .codeLine)
                w.endObject(&out)
            }
            string("\"function\":", .codeFunc)
            w.endObject(&out)
        }
        w.endObject(&out)
    }

    mutating func process() {
        guard any(m(.pid) | m(.comm) | m(.exe) | m(.cmdline) | m(.tid) | m(.syslogIdentifier)) else { return }
        w.beginObject("\"process\":", &out)
        number("\"pid\":", .pid)
        if e.has(.comm) { string("\"name\":", .comm) } else { string("\"name\":", .syslogIdentifier) }
        string("\"executable\":", .exe)
        string("\"command_line\":", .cmdline)
        if case let .some(.some(t)) = integer(.tid) {
            w.beginObject("\"thread\":", &out)
            w.key("\"id\":", &out); JSONBytes.appendInteger(t, to: &out)
            w.endObject(&out)
        }
        w.endObject(&out)
    }

    mutating func systemd() {
        guard any(m(.systemdUnit) | m(.systemdUserUnit) | m(.systemdSlice) | m(.systemdUserSlice) | m(.systemdCgroup)
                  | m(.systemdInvocationID) | m(.systemdOwnerUID) | m(.systemdSession)) else { return }
        w.beginObject("\"systemd\":", &out)
        string("\"unit\":", .systemdUnit)
        string("\"user_unit\":", .systemdUserUnit)
        string("\"slice\":", .systemdSlice)
        string("\"user_slice\":", .systemdUserSlice)
        string("\"cgroup\":", .systemdCgroup)
        string("\"invocation_id\":", .systemdInvocationID)
        string("\"owner_uid\":", .systemdOwnerUID)
        string("\"session\":", .systemdSession)
        w.endObject(&out)
    }

    mutating func journald() {
        w.beginObject("\"journald\":", &out)
        string("\"boot_id\":", .bootID)
        string("\"transport\":", .transport)
        string("\"message_id\":", .messageID)
        string("\"stream_id\":", .streamID)
        string("\"selinux_context\":", .selinuxContext)
        string("\"cap_effective\":", .capEffective)
        string("\"syslog_timestamp\":", .syslogTimestamp)
        if any(m(.auditSession) | m(.auditLoginUID)) {
            w.beginObject("\"audit\":", &out)
            string("\"session\":", .auditSession)
            string("\"login_uid\":", .auditLoginUID)
            w.endObject(&out)
        }
        if any(m(.kernelDevice) | m(.kernelSubsystem)) {
            w.beginObject("\"kernel\":", &out)
            string("\"device\":", .kernelDevice)
            string("\"subsystem\":", .kernelSubsystem)
            w.endObject(&out)
        }
        if any(m(.udevSysname) | m(.udevDevnode)) {
            w.beginObject("\"udev\":", &out)
            string("\"sysname\":", .udevSysname)
            string("\"devnode\":", .udevDevnode)
            w.endObject(&out)
        }
        if e.monotonic >= 0 { w.key("\"monotonic_timestamp\":", &out); JSONBytes.appendInteger(e.monotonic, to: &out) }
        number("\"errno\":", .errno)
        if !e.custom.isEmpty { custom() }
        w.endObject(&out)
    }

    mutating func custom() {
        w.beginObject("\"custom\":", &out)
        for c in e.custom {
            names.removeAll()
            for i in 0..<c.1 {
                let b = base[c.0 + i]
                names.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            }
            // Journal field names are [A-Z0-9_], but collected files can hold anything: escape anyway.
            w.member(&out)
            JSONBytes.appendString(names.bytes, to: &out)
            out.append(0x3A)
            if !JSONBytes.appendString(UnsafeBufferPointer(start: base + c.2, count: c.3), to: &out) { invalidUTF8 = true }
        }
        w.endObject(&out)
    }

    mutating func tags() {
        guard invalidUTF8 || invalidNumber || e.customDropped > 0 else { return }
        w.beginArray("\"tags\":", &out)
        if invalidUTF8 { w.element("\"journald_invalid_utf8\"", &out) }
        if invalidNumber { w.element("\"journald_invalid_number\"", &out) }
        if e.customDropped > 0 { w.element("\"journald_custom_fields_truncated\"", &out) }
        w.endArray(&out)
    }

    var isKernel: Bool {
        guard let t = value(.transport), t.count == 6 else { return false }
        return t.elementsEqual("kernel".utf8)
    }
}

@inline(__always) private func m(_ f: JournalField) -> UInt64 { 1 << UInt64(f.rawValue) }
