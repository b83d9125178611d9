import ECS

/// Writes one journal entry as an ECS document (the table in docs/fields.md), straight into the bulk body.
struct JournalDocumentEncoder {
    let dataset: [UInt8]
    let agentMembers: [UInt8]
    var timestamps = TimestampWriter()
    /// Tags added by the last `encode`, for the caller's counters.
    private(set) var lastWasMalformed = false

    init(dataset: String, agent: AgentInfo) {
        var d: [UInt8] = []
        JSONBytes.appendString(dataset, to: &d)
        self.dataset = d
        self.agentMembers = agent.encodedMembers
    }

    /// The time the event happened: the sender's own timestamp when journald recorded one.
    func eventTime(_ e: JournalEntry) -> Int64 {
        if e.has(.sourceRealtime) {
            let v = e.arena.withUnsafeBufferPointer { a in
                parseInteger(a.baseAddress! + e.start[JournalField.sourceRealtime.rawValue],
                             e.length[JournalField.sourceRealtime.rawValue])
            }
            if let v, v > 0 { return v }
        }
        return e.realtime
    }

    mutating func encode(_ e: JournalEntry, eventTime: Int64, into out: inout [UInt8]) {
        var invalidUTF8 = false
        var invalidNumber = false
        var w = JSONObjectWriter()
        w.begin(&out)
        w.key(K.timestamp, &out)
        out.append(0x22)
        timestamps.append(microseconds: eventTime, to: &out)
        out.append(0x22)

        e.arena.withUnsafeBufferPointer { arena in
            let base = arena.baseAddress!
            @inline(__always) func value(_ f: JournalField) -> UnsafeBufferPointer<UInt8>? {
                let s = e.start[f.rawValue]
                return s < 0 ? nil : UnsafeBufferPointer(start: base + s, count: e.length[f.rawValue])
            }
            @inline(__always) func string(_ key: [UInt8], _ f: JournalField) {
                guard let v = value(f) else { return }
                w.key(key, &out)
                if !JSONBytes.appendString(v, to: &out) { invalidUTF8 = true }
            }
            @inline(__always) func integer(_ f: JournalField) -> Int64?? {
                guard let v = value(f) else { return nil }
                guard let n = parseInteger(v.baseAddress!, v.count) else { invalidNumber = true; return .some(nil) }
                return .some(n)
            }
            @inline(__always) func number(_ key: [UInt8], _ f: JournalField) {
                if case let .some(.some(n)) = integer(f) { w.key(key, &out); JSONBytes.appendInteger(n, to: &out) }
            }
            @inline(__always) func any(_ mask: UInt64) -> Bool { e.present & mask != 0 }

            string(K.message, .message)

            // log.*: severity and facility as syslog numbers and names.
            var severity: Int64? = nil
            if case let .some(.some(p)) = integer(.priority), (0...7).contains(p) { severity = p }
            var facility: Int64? = nil
            if case let .some(.some(f)) = integer(.syslogFacility), (0...23).contains(f) { facility = f }
            if facility == nil, severity != nil {
                // journald leaves the facility out for native and stdout logging; syslog(3) defaults to user,
                // the kernel is kern. rsyslog's imjournal makes the same choice.
                facility = isKernel(value(.transport)) ? 0 : 1
            }
            if severity != nil || any(m(.syslogIdentifier) | m(.syslogPID) | m(.codeFile) | m(.codeLine) | m(.codeFunc)) {
                w.beginObject(K.log, &out)
                if let s = severity {
                    w.key(K.level, &out); quoted(SyslogNames.severities[Int(s)], &out)
                }
                if severity != nil || any(m(.syslogIdentifier) | m(.syslogPID)) {
                    w.beginObject(K.syslog, &out)
                    if let s = severity, let f = facility {
                        w.key(K.priority, &out); JSONBytes.appendInteger(f * 8 + s, to: &out)
                        w.beginObject(K.severity, &out)
                        w.key(K.code, &out); JSONBytes.appendInteger(s, to: &out)
                        w.key(K.name, &out); quoted(SyslogNames.severities[Int(s)], &out)
                        w.endObject(&out)
                        w.beginObject(K.facility, &out)
                        w.key(K.code, &out); JSONBytes.appendInteger(f, to: &out)
                        w.key(K.name, &out); quoted(SyslogNames.facilities[Int(f)], &out)
                        w.endObject(&out)
                    }
                    string(K.appname, .syslogIdentifier)
                    string(K.procid, .syslogPID)
                    w.endObject(&out)
                }
                if any(m(.codeFile) | m(.codeLine) | m(.codeFunc)) {
                    w.beginObject(K.origin, &out)
                    if any(m(.codeFile) | m(.codeLine)) {
                        w.beginObject(K.file, &out)
                        string(K.name, .codeFile)
                        number(K.line, .codeLine)
                        w.endObject(&out)
                    }
                    string(K.function, .codeFunc)
                    w.endObject(&out)
                }
                w.endObject(&out)
            }

            if any(m(.hostname) | m(.machineID)) {
                w.beginObject(K.host, &out)
                string(K.name, .hostname)
                string(K.id, .machineID)
                w.endObject(&out)
            }

            if any(m(.pid) | m(.comm) | m(.exe) | m(.cmdline) | m(.tid) | m(.syslogIdentifier)) {
                w.beginObject(K.process, &out)
                number(K.pid, .pid)
                if value(.comm) != nil { string(K.name, .comm) } else { string(K.name, .syslogIdentifier) }
                string(K.executable, .exe)
                string(K.commandLine, .cmdline)
                if case let .some(.some(t)) = integer(.tid) {
                    w.beginObject(K.thread, &out); w.key(K.id, &out); JSONBytes.appendInteger(t, to: &out); w.endObject(&out)
                }
                w.endObject(&out)
            }
            if value(.uid) != nil { w.beginObject(K.user, &out); string(K.id, .uid); w.endObject(&out) }
            if value(.gid) != nil { w.beginObject(K.group, &out); string(K.id, .gid); w.endObject(&out) }

            if any(m(.systemdUnit) | m(.systemdUserUnit) | m(.systemdSlice) | m(.systemdUserSlice) | m(.systemdCgroup) | m(.systemdInvocationID) | m(.systemdOwnerUID) | m(.systemdSession)) {
                w.beginObject(K.systemd, &out)
                string(K.unit, .systemdUnit)
                string(K.userUnit, .systemdUserUnit)
                string(K.slice, .systemdSlice)
                string(K.userSlice, .systemdUserSlice)
                string(K.cgroup, .systemdCgroup)
                string(K.invocationID, .systemdInvocationID)
                string(K.ownerUID, .systemdOwnerUID)
                string(K.session, .systemdSession)
                w.endObject(&out)
            }

            w.beginObject(K.journald, &out)
            string(K.bootID, .bootID)
            string(K.transport, .transport)
            string(K.messageID, .messageID)
            string(K.streamID, .streamID)
            string(K.selinuxContext, .selinuxContext)
            string(K.capEffective, .capEffective)
            string(K.syslogTimestamp, .syslogTimestamp)
            if any(m(.auditSession) | m(.auditLoginUID)) {
                w.beginObject(K.audit, &out); string(K.session, .auditSession); string(K.loginUID, .auditLoginUID); w.endObject(&out)
            }
            if any(m(.kernelDevice) | m(.kernelSubsystem)) {
                w.beginObject(K.kernel, &out); string(K.device, .kernelDevice); string(K.subsystem, .kernelSubsystem); w.endObject(&out)
            }
            if any(m(.udevSysname) | m(.udevDevnode)) {
                w.beginObject(K.udev, &out); string(K.sysname, .udevSysname); string(K.devnode, .udevDevnode); w.endObject(&out)
            }
            if e.monotonic >= 0 { w.key(K.monotonic, &out); JSONBytes.appendInteger(e.monotonic, to: &out) }
            number(K.errno, .errno)
            if !e.custom.isEmpty {
                w.beginObject(K.custom, &out)
                var lower = [UInt8]()
                var name = [UInt8]()
                for c in e.custom {
                    lower.removeAll(keepingCapacity: true)
                    for i in 0..<c.1 {
                        let b = base[c.0 + i]
                        lower.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
                    }
                    name.removeAll(keepingCapacity: true)
                    // Journal field names are [A-Z0-9_], but collected files can hold anything: escape anyway.
                    JSONBytes.appendString(lower, to: &name)
                    name.append(0x3A)
                    w.key(name, &out)
                    if !JSONBytes.appendString(UnsafeBufferPointer(start: base + c.2, count: c.3), to: &out) { invalidUTF8 = true }
                }
                w.endObject(&out)
            }
            w.endObject(&out)
        }

        w.beginObject(K.event, &out)
        w.key(K.dataset, &out); out.append(contentsOf: dataset)
        w.endObject(&out)

        if invalidUTF8 || invalidNumber || e.customDropped > 0 {
            w.key(K.tags, &out)
            out.append(0x5B)
            var first = true
            func tag(_ t: [UInt8]) { if !first { out.append(0x2C) }; first = false; out.append(contentsOf: t) }
            if invalidUTF8 { tag(K.tagInvalidUTF8) }
            if invalidNumber { tag(K.tagInvalidNumber) }
            if e.customDropped > 0 { tag(K.tagCustomTruncated) }
            out.append(0x5D)
        }
        lastWasMalformed = invalidUTF8 || invalidNumber

        w.rawMembers(agentMembers, &out)
        out.append(0x7D)
    }

    @inline(__always) private func quoted(_ s: [UInt8], _ out: inout [UInt8]) {
        out.append(0x22); out.append(contentsOf: s); out.append(0x22)
    }

    private func isKernel(_ transport: UnsafeBufferPointer<UInt8>?) -> Bool {
        guard let t = transport, t.count == 6 else { return false }
        return t.elementsEqual("kernel".utf8)
    }
}

@inline(__always) private func m(_ f: JournalField) -> UInt64 { 1 << UInt64(f.rawValue) }

/// Pre-encoded keys (`"name":`).
private enum K {
    static let timestamp = JSONObjectWriter.keyBytes("@timestamp")
    static let message = JSONObjectWriter.keyBytes("message")
    static let log = JSONObjectWriter.keyBytes("log")
    static let level = JSONObjectWriter.keyBytes("level")
    static let syslog = JSONObjectWriter.keyBytes("syslog")
    static let priority = JSONObjectWriter.keyBytes("priority")
    static let severity = JSONObjectWriter.keyBytes("severity")
    static let facility = JSONObjectWriter.keyBytes("facility")
    static let code = JSONObjectWriter.keyBytes("code")
    static let name = JSONObjectWriter.keyBytes("name")
    static let appname = JSONObjectWriter.keyBytes("appname")
    static let procid = JSONObjectWriter.keyBytes("procid")
    static let origin = JSONObjectWriter.keyBytes("origin")
    static let file = JSONObjectWriter.keyBytes("file")
    static let line = JSONObjectWriter.keyBytes("line")
    static let function = JSONObjectWriter.keyBytes("function")
    static let host = JSONObjectWriter.keyBytes("host")
    static let id = JSONObjectWriter.keyBytes("id")
    static let process = JSONObjectWriter.keyBytes("process")
    static let pid = JSONObjectWriter.keyBytes("pid")
    static let executable = JSONObjectWriter.keyBytes("executable")
    static let commandLine = JSONObjectWriter.keyBytes("command_line")
    static let thread = JSONObjectWriter.keyBytes("thread")
    static let user = JSONObjectWriter.keyBytes("user")
    static let group = JSONObjectWriter.keyBytes("group")
    static let systemd = JSONObjectWriter.keyBytes("systemd")
    static let unit = JSONObjectWriter.keyBytes("unit")
    static let userUnit = JSONObjectWriter.keyBytes("user_unit")
    static let slice = JSONObjectWriter.keyBytes("slice")
    static let userSlice = JSONObjectWriter.keyBytes("user_slice")
    static let cgroup = JSONObjectWriter.keyBytes("cgroup")
    static let invocationID = JSONObjectWriter.keyBytes("invocation_id")
    static let ownerUID = JSONObjectWriter.keyBytes("owner_uid")
    static let session = JSONObjectWriter.keyBytes("session")
    static let journald = JSONObjectWriter.keyBytes("journald")
    static let bootID = JSONObjectWriter.keyBytes("boot_id")
    static let transport = JSONObjectWriter.keyBytes("transport")
    static let messageID = JSONObjectWriter.keyBytes("message_id")
    static let streamID = JSONObjectWriter.keyBytes("stream_id")
    static let selinuxContext = JSONObjectWriter.keyBytes("selinux_context")
    static let capEffective = JSONObjectWriter.keyBytes("cap_effective")
    static let syslogTimestamp = JSONObjectWriter.keyBytes("syslog_timestamp")
    static let audit = JSONObjectWriter.keyBytes("audit")
    static let loginUID = JSONObjectWriter.keyBytes("login_uid")
    static let kernel = JSONObjectWriter.keyBytes("kernel")
    static let device = JSONObjectWriter.keyBytes("device")
    static let subsystem = JSONObjectWriter.keyBytes("subsystem")
    static let udev = JSONObjectWriter.keyBytes("udev")
    static let sysname = JSONObjectWriter.keyBytes("sysname")
    static let devnode = JSONObjectWriter.keyBytes("devnode")
    static let monotonic = JSONObjectWriter.keyBytes("monotonic_timestamp")
    static let errno = JSONObjectWriter.keyBytes("errno")
    static let custom = JSONObjectWriter.keyBytes("custom")
    static let event = JSONObjectWriter.keyBytes("event")
    static let dataset = JSONObjectWriter.keyBytes("dataset")
    static let tags = JSONObjectWriter.keyBytes("tags")
    static let tagInvalidUTF8: [UInt8] = Array(#""journald_invalid_utf8""#.utf8)
    static let tagInvalidNumber: [UInt8] = Array(#""journald_invalid_number""#.utf8)
    static let tagCustomTruncated: [UInt8] = Array(#""journald_custom_fields_truncated""#.utf8)
}
