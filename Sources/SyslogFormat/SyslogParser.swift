import ECS

/// Parses one syslog line, RFC 5424 or RFC 3164 as real devices send it, into a `SyslogMessage` whose
/// strings are ranges into the line. Holds the per-input state that makes RFC 3164 times absolute:
/// the time zone, and the reference time a year-less timestamp is placed next to.
public struct SyslogParser: Sendable {
    public enum Expect: Sendable { case any, rfc3164, rfc5424 }
    public var zone: SyslogTimeZone
    public var expect: Expect

    public init(zone: SyslogTimeZone, expect: Expect = .any) {
        self.zone = zone; self.expect = expect
    }

    /// `reference` (µs since the epoch) is when the line was received or, for a file, its modification time:
    /// a year-less timestamp more than a month after it belongs to the previous year (December lines read in
    /// January), one more than eleven months before it to the next year.
    public mutating func parse(_ p: UnsafeBufferPointer<UInt8>, reference: Int64) -> SyslogMessage {
        var m = SyslogMessage()
        let n = p.count
        var i = 0
        if n > 2, p[0] == 0x3C {
            var v = 0, k = 1
            while k < n, k <= 4, isDigit(p[k]) { v = v * 10 + Int(p[k] &- 0x30); k += 1 }
            if k > 1, k < n, p[k] == 0x3E, v <= 191, !(k > 2 && p[1] == 0x30) {
                m.priority = v
                i = k + 1
            }
        }
        if expect != .rfc3164, i + 1 < n, m.priority >= 0, p[i] == 0x31, p[i + 1] == 0x20 {
            if parse5424(p, from: i + 2, into: &m) { return m }
            return failed(m.priority)
        }
        if expect == .rfc5424 { return failed(m.priority) }
        if parse3164(p, from: i, reference: reference, into: &m) { return m }
        return failed(m.priority)
    }

    private func failed(_ priority: Int) -> SyslogMessage {
        var m = SyslogMessage()
        m.priority = priority
        return m
    }

    // MARK: RFC 5424

    private func parse5424(_ p: UnsafeBufferPointer<UInt8>, from start: Int, into m: inout SyslogMessage) -> Bool {
        let n = p.count
        var i = start
        m.version = 1
        if i < n, p[i] == 0x2D { i += 1 } else {
            guard let (t, end) = parseRFC3339(p, i) else { return false }
            m.timestamp = t; i = end
        }
        guard i < n, p[i] == 0x20 else { return false }
        i += 1
        func token(_ max: Int) -> Range<Int>?? {
            let s = i
            while i < n, p[i] != 0x20 { i += 1 }
            guard i < n, i > s, i - s <= max else { return nil }
            let r = s..<i
            i += 1
            return .some(r.count == 1 && p[s] == 0x2D ? nil : r)
        }
        guard let host = token(255), let app = token(48), let proc = token(128), let msgid = token(32) else { return false }
        m.hostname = host; m.appname = app; m.procid = proc; m.msgid = msgid
        guard i < n else { return false }
        if p[i] == 0x2D {
            i += 1
        } else {
            guard p[i] == 0x5B else { return false }
            let sdStart = i
            while i < n, p[i] == 0x5B {
                guard let end = skipSDElement(p, i) else { return false }
                i = end
            }
            m.structuredData = sdStart..<i
        }
        if i < n {
            guard p[i] == 0x20 else { return false }
            i += 1
            if i + 2 < n, p[i] == 0xEF, p[i + 1] == 0xBB, p[i + 2] == 0xBF { i += 3 }
            m.message = i..<trimEnd(p, i, n)
        }
        m.format = .rfc5424
        return true
    }

    /// `[SD-ID *(SP PARAM-NAME="value")]` with `\"`, `\\` and `\]` escapes inside values.
    private func skipSDElement(_ p: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        let n = p.count
        var i = start + 1
        let idStart = i
        while i < n, p[i] != 0x20, p[i] != 0x5D, p[i] != 0x22, p[i] != 0x3D, p[i] > 0x20, p[i] < 0x7F { i += 1 }
        guard i > idStart, i < n else { return nil }
        while i < n, p[i] == 0x20 {
            i += 1
            let nameStart = i
            while i < n, p[i] != 0x3D, p[i] != 0x20, p[i] != 0x5D, p[i] != 0x22, p[i] > 0x20, p[i] < 0x7F { i += 1 }
            guard i > nameStart, i + 1 < n, p[i] == 0x3D, p[i + 1] == 0x22 else { return nil }
            i += 2
            while i < n, p[i] != 0x22 {
                if p[i] == 0x5C { i += 1 }
                i += 1
            }
            guard i < n else { return nil }
            i += 1
        }
        guard i < n, p[i] == 0x5D else { return nil }
        return i + 1
    }

    /// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; returns µs UTC and the index after it.
    public func parseRFC3339(_ p: UnsafeBufferPointer<UInt8>, _ s: Int) -> (Int64, Int)? {
        let n = p.count
        guard s + 19 <= n, p[s + 4] == 0x2D, p[s + 7] == 0x2D, p[s + 10] == 0x54 || p[s + 10] == 0x20,
              p[s + 13] == 0x3A, p[s + 16] == 0x3A,
              let y = digits(p, s, 4), let mo = digits(p, s + 5, 2), let d = digits(p, s + 8, 2),
              let h = digits(p, s + 11, 2), let mi = digits(p, s + 14, 2), let se = digits(p, s + 17, 2),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se <= 60 else { return nil }
        var i = s + 19
        var micros: Int64 = 0
        if i < n, p[i] == 0x2E {
            i += 1
            var scale: Int64 = 100_000
            let fs = i
            while i < n, isDigit(p[i]) {
                micros += Int64(p[i] &- 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > fs, i - fs <= 9 else { return nil }
        }
        guard i < n else { return nil }
        var offset: Int64 = 0
        if p[i] == 0x5A || p[i] == 0x7A {
            i += 1
        } else if p[i] == 0x2B || p[i] == 0x2D {
            guard i + 6 <= n, p[i + 3] == 0x3A, let oh = digits(p, i + 1, 2), let om = digits(p, i + 4, 2) else { return nil }
            offset = Int64(oh * 3600 + om * 60) * (p[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        let days = TimestampWriter.days(fromCivil: y, mo, d)
        let secs = days * 86400 + Int64(h * 3600 + mi * 60 + min(se, 59)) - offset
        return (secs * 1_000_000 + micros, i)
    }

    // MARK: RFC 3164

    static let months: [UInt32] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map {
        let b = Array($0.utf8); return UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2])
    }

    private mutating func parse3164(_ p: UnsafeBufferPointer<UInt8>, from start: Int, reference: Int64,
                                    into m: inout SyslogMessage) -> Bool {
        let n = p.count
        var i = start
        if i < n, p[i] == 0x2A || p[i] == 0x2E { i += 1 }   // Cisco marks unsynchronised clocks with * or .
        var haveTime = false
        if let (t, end) = parseRFC3339(p, i) {
            m.timestamp = t; i = end; haveTime = true
        } else if let (t, end) = parseBSDTime(p, i, reference: reference) {
            m.timestamp = t; i = end; haveTime = true
        }
        guard haveTime || m.priority >= 0 else { return false }
        if haveTime {
            if i < n, p[i] == 0x3A { i += 1 }   // some devices end the timestamp with a colon
            while i < n, p[i] == 0x20 { i += 1 }
        }
        // HOSTNAME is there when the first word is not itself a tag (`app:` / `app[pid]:`).
        if haveTime, i < n {
            var k = i
            while k < n, p[k] != 0x20, p[k] != 0x5B, p[k] != 0x3A { k += 1 }
            if k < n, p[k] == 0x20, k > i {
                if !isRepeatNotice(p, i) {
                    m.hostname = i..<k
                    i = k + 1
                }
            }
        }
        if let count = repeatCount(p, i) {
            m.repeated = count
            m.message = i..<trimEnd(p, i, n)
            m.format = .rfc3164
            return true
        }
        // TAG[PID]: — a tag is a run of printable non-space characters.
        var k = i
        while k < n, k - i <= 128, p[k] > 0x20, p[k] < 0x7F, p[k] != 0x5B, p[k] != 0x3A { k += 1 }
        var msgStart = i
        if k > i, k < n {
            if p[k] == 0x3A {
                m.appname = i..<k
                msgStart = k + 1
            } else if p[k] == 0x5B {
                var e = k + 1
                while e < n, e - k <= 130, p[e] != 0x5D, p[e] != 0x20 { e += 1 }
                if e < n, p[e] == 0x5D, e > k + 1 {
                    m.appname = i..<k
                    m.procid = (k + 1)..<e
                    msgStart = e + 1
                    if msgStart < n, p[msgStart] == 0x3A { msgStart += 1 }
                }
            }
        }
        if msgStart < n, p[msgStart] == 0x20, msgStart != i { msgStart += 1 }
        if msgStart + 2 < n, p[msgStart] == 0xEF, p[msgStart + 1] == 0xBB, p[msgStart + 2] == 0xBF { msgStart += 3 }
        m.message = msgStart..<trimEnd(p, min(msgStart, n), n)
        m.format = .rfc3164
        return true
    }

    /// `Mmm dd hh:mm:ss`, optionally `Mmm dd yyyy hh:mm:ss` and a fraction, in the input's zone.
    private mutating func parseBSDTime(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, reference: Int64) -> (Int64, Int)? {
        let n = p.count
        guard s + 15 <= n, p[s + 3] == 0x20 else { return nil }
        let key = UInt32(p[s]) << 16 | UInt32(p[s + 1]) << 8 | UInt32(p[s + 2])
        guard let monthIndex = Self.months.firstIndex(of: key) else { return nil }
        var i = s + 4
        if p[i] == 0x20 { i += 1 }
        var day = 0
        while i < n, isDigit(p[i]), day < 100 { day = day * 10 + Int(p[i] &- 0x30); i += 1 }
        guard (1...31).contains(day), i < n, p[i] == 0x20 else { return nil }
        i += 1
        var year: Int? = nil
        if i + 5 <= n, p[i + 4] == 0x20, let y = digits(p, i, 4) { year = y; i += 5 }
        guard i + 8 <= n, p[i + 2] == 0x3A, p[i + 5] == 0x3A,
              let h = digits(p, i, 2), let mi = digits(p, i + 3, 2), let se = digits(p, i + 6, 2),
              h < 24, mi < 60, se <= 60 else { return nil }
        i += 8
        var micros: Int64 = 0
        if i < n, p[i] == 0x2E {
            var scale: Int64 = 100_000
            var k = i + 1
            while k < n, isDigit(p[k]) { micros += Int64(p[k] &- 0x30) * scale; scale /= 10; k += 1 }
            if k > i + 1 { i = k } else { micros = 0 }
        }
        let secondsOfDay = Int64(h * 3600 + mi * 60 + min(se, 59))
        func localSeconds(_ y: Int) -> Int64 { TimestampWriter.days(fromCivil: y, monthIndex + 1, day) * 86400 + secondsOfDay }
        let utc: Int64
        if let year {
            utc = zone.utc(fromLocal: localSeconds(year))
        } else {
            let refSeconds = reference / 1_000_000
            let refLocal = refSeconds + zone.offset(atUTC: refSeconds)
            let refYear = TimestampWriter.civil(fromDays: TimestampWriter.split(refLocal * 1_000_000).day).year
            var local = localSeconds(refYear)
            if local - refLocal > 31 * 86400 { local = localSeconds(refYear - 1) }
            else if refLocal - local > 335 * 86400 { local = localSeconds(refYear + 1) }
            utc = zone.utc(fromLocal: local)
        }
        return (utc * 1_000_000 + micros, i)
    }

    private func isRepeatNotice(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool { repeatCount(p, i) != nil }

    /// `last message repeated N times` (BSD syslogd) or `message repeated N times: [ … ]` (rsyslog).
    private func repeatCount(_ p: UnsafeBufferPointer<UInt8>, _ s: Int) -> Int? {
        var i = s
        if startsWith(p, i, "last ") { i += 5 }
        guard startsWith(p, i, "message repeated ") else { return nil }
        i += 17
        var v = 0, k = i
        while k < p.count, isDigit(p[k]), v < 1_000_000_000 { v = v * 10 + Int(p[k] &- 0x30); k += 1 }
        guard k > i, startsWith(p, k, " time") else { return nil }
        return v
    }

    private func startsWith(_ p: UnsafeBufferPointer<UInt8>, _ i: Int, _ s: StaticString) -> Bool {
        let c = s.utf8CodeUnitCount
        guard i + c <= p.count else { return false }
        let q = s.utf8Start
        for k in 0..<c where p[i + k] != q[k] { return false }
        return true
    }
}

/// Also the framer's (`SyslogInput`), per byte of an octet count: inlinable so that it stays inlined there.
@inlinable package func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

@inline(__always) func digits(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ count: Int) -> Int? {
    var v = 0
    for k in 0..<count {
        let d = p[s + k] &- 0x30
        guard d < 10 else { return nil }
        v = v * 10 + Int(d)
    }
    return v
}

/// End of `s..<n` without trailing CR, LF and NUL (what senders leave after a message).
@inline(__always) func trimEnd(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ n: Int) -> Int {
    var e = n
    while e > s, p[e - 1] == 0x0A || p[e - 1] == 0x0D || p[e - 1] == 0x00 { e -= 1 }
    return e
}
