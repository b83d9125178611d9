import ECS
import Foundation
import Testing
@testable import SyslogFormat

/// Parsing as real senders write it; each case checks the fields the document is built from.
struct ParserTests {
    func parse(_ s: String, zone: SyslogTimeZone = .utc, reference: Int64 = 1_795_912_000_000_000,
               expect: SyslogParser.Expect = .any) -> (SyslogMessage, (Range<Int>?) -> String?) {
        let bytes = Array(s.utf8)
        var p = SyslogParser(zone: zone, expect: expect)
        let m = bytes.withUnsafeBufferPointer { p.parse($0, reference: reference) }
        return (m, { r in r.map { String(decoding: bytes[$0], as: UTF8.self) } })
    }

    func iso(_ us: Int64?) -> String {
        guard let us else { return "nil" }
        var w = TimestampWriter(); var out: [UInt8] = []
        w.append(microseconds: us, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func rfc5424AllFields() {
        let line = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 "
            + "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\\"lication\" eventID=\"1011\"][x@1 a=\"\\]\"] \u{FEFF}An application event"
        let (m, s) = parse(line)
        #expect(m.format == .rfc5424)
        #expect(m.priority == 165 && m.facility == 20 && m.severity == 5)
        #expect(m.version == 1)
        #expect(iso(m.timestamp) == "2003-10-11T22:14:15.003000Z")
        #expect(s(m.hostname) == "mymachine.example.com")
        #expect(s(m.appname) == "evntslog")
        #expect(s(m.procid) == "1234")
        #expect(s(m.msgid) == "ID47")
        #expect(s(m.structuredData) == "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\\"lication\" eventID=\"1011\"][x@1 a=\"\\]\"]")
        #expect(s(m.message) == "An application event")
    }

    @Test func rfc5424NilValuesOffsetAndNoMessage() {
        let (m, s) = parse("<34>1 2025-11-29T01:10:13.123456+01:00 - - - - -")
        #expect(m.format == .rfc5424)
        #expect(iso(m.timestamp) == "2025-11-29T00:10:13.123456Z")
        #expect(m.hostname == nil && m.appname == nil && m.procid == nil && m.msgid == nil && m.structuredData == nil)
        #expect(s(m.message) == nil)
        let (m2, _) = parse("<34>1 - host app - - - hi")
        #expect(m2.format == .rfc5424 && m2.timestamp == nil)
    }

    @Test func rfc5424Broken() {
        #expect(parse("<34>1 2025-13-29T01:10:13Z host app - - - x").0.format == .unparsed)
        #expect(parse("<34>1 2025-11-29T01:10:13Z host app - - [unclosed x=\"1\" msg").0.format == .unparsed)
        #expect(parse("<34>1 2025-11-29T01:10:13Z host").0.format == .unparsed)
        #expect(parse("<34>1 2025-11-29T01:10:13Z host").0.priority == 34)
    }

    @Test func rfc3164AsDevicesSendIt() {
        // /var/log/messages: no PRI.
        var (m, s) = parse("Nov 29 00:10:13 flp042 readout[1234]: buffer full", expect: .rfc3164)
        #expect(m.format == .rfc3164 && m.priority == -1)
        #expect(iso(m.timestamp) == "2026-11-29T00:10:13.000000Z")
        #expect(s(m.hostname) == "flp042" && s(m.appname) == "readout" && s(m.procid) == "1234")
        #expect(s(m.message) == "buffer full")
        // No hostname: the first word is a tag.
        (m, s) = parse("<13>Nov  3 00:10:13 sshd[99]: Accepted key")
        #expect(m.priority == 13 && m.hostname == nil && s(m.appname) == "sshd" && s(m.message) == "Accepted key")
        // Tag without pid; single-digit day padded with a space.
        (m, s) = parse("<86>Nov  3 10:00:00 host1 CRON: job done")
        #expect(s(m.hostname) == "host1" && s(m.appname) == "CRON" && m.procid == nil && s(m.message) == "job done")
        // RFC 3339 timestamp in a 3164 frame (rsyslog's high-precision template).
        (m, s) = parse("<30>2025-11-29T00:10:13.5+00:00 epn007 systemd[1]: Started x")
        #expect(iso(m.timestamp) == "2025-11-29T00:10:13.500000Z" && s(m.hostname) == "epn007")
        // Only a PRI and text.
        (m, s) = parse("<13>just some text")
        #expect(m.format == .rfc3164 && m.timestamp == nil && s(m.message) == "just some text")
    }

    @Test func repeatedNotice() {
        let (m, s) = parse("Nov 29 00:10:13 flp042 last message repeated 5 times", expect: .rfc3164)
        #expect(m.repeated == 5 && s(m.hostname) == "flp042" && s(m.message) == "last message repeated 5 times")
    }

    @Test func yearInferredAroundNewYear() {
        // Received 2027-01-01T00:00:05Z: a December line is from 2026.
        let jan1 = TimestampWriter.days(fromCivil: 2027, 1, 1) * 86_400_000_000 + 5_000_000
        #expect(iso(parse("Dec 31 23:59:59 h a: x", reference: jan1, expect: .rfc3164).0.timestamp) == "2026-12-31T23:59:59.000000Z")
        // Received 2026-12-31T23:59:59Z from a sender whose clock is ahead: January is next year.
        let dec31 = TimestampWriter.days(fromCivil: 2026, 12, 31) * 86_400_000_000 + 86_399_000_000
        #expect(iso(parse("Jan  1 00:00:02 h a: x", reference: dec31, expect: .rfc3164).0.timestamp) == "2027-01-01T00:00:02.000000Z")
        #expect(iso(parse("Jun  1 00:00:02 h a: x", reference: dec31, expect: .rfc3164).0.timestamp) == "2026-06-01T00:00:02.000000Z")
    }

    @Test func timeZonesFixedAndIANA() throws {
        let plus2 = try SyslogTimeZone.load("+02:00")
        #expect(iso(parse("Nov 29 02:10:13 h a: x", zone: plus2, expect: .rfc3164).0.timestamp) == "2026-11-29T00:10:13.000000Z")
        let zurich = try SyslogTimeZone.load("Europe/Zurich")
        // Winter: CET (+1); summer: CEST (+2).
        #expect(iso(parse("Nov 29 01:10:13 h a: x", zone: zurich, expect: .rfc3164).0.timestamp) == "2026-11-29T00:10:13.000000Z")
        #expect(iso(parse("Jul  1 02:00:00 h a: x", zone: zurich, expect: .rfc3164).0.timestamp) == "2026-07-01T00:00:00.000000Z")
        #expect(throws: SyslogTimeZoneError.self) { try SyslogTimeZone.load("Mars/Olympus") }
    }

    @Test func junkIsUnparsedNotACrash() {
        for s in ["", "\u{0}\u{1}\u{2}", "<999>x", "<>", "<1", "random words", "Nov 99 99:99:99 x"] {
            #expect(parse(s, expect: .rfc3164).0.format == .unparsed, "\(s)")
        }
        var junk: [UInt8] = []
        var x: UInt32 = 12345
        for _ in 0..<100_000 { x = x &* 1_103_515_245 &+ 12345; junk.append(UInt8(truncatingIfNeeded: x >> 16)) }
        var p = SyslogParser(zone: .utc)
        for len in stride(from: 0, to: 2000, by: 7) {
            _ = junk.withUnsafeBufferPointer { p.parse(UnsafeBufferPointer(rebasing: $0[len..<(len * 3 + 10)]), reference: 0) }
        }
    }

    /// ECS types `log.syslog.structured_data` as `flattened`: an object per SD-ID, escapes undone, the first of a
    /// repeated SD-ID or parameter kept (the cluster refuses a JSON object with a key twice).
    @Test func structuredDataBecomesAnObjectPerSDID() throws {
        let line = #"<165>1 2003-10-11T22:14:15.003Z h app - ID47 [exampleSDID@32473 iut="3" eventSource="App\"lication" eventID="1011" iut="4"][x@1 a="\]\\b\n"][empty][x@1 a="again"] msg"#
        var p = SyslogParser(zone: .utc)
        let bytes = Array(line.utf8)
        let m = bytes.withUnsafeBufferPointer { p.parse($0, reference: 0) }
        let sd = try #require(m.structuredData)
        var out: [UInt8] = []
        var writer = StructuredDataWriter()
        let valid = bytes.withUnsafeBufferPointer { writer.write($0, sd, into: &out) }
        #expect(valid)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: [String: String]])
        #expect(object == ["exampleSDID@32473": ["iut": "3", "eventSource": "App\"lication", "eventID": "1011"],
                           "x@1": ["a": "]\\b\\n"], "empty": [:]])
        #expect(String(decoding: out, as: UTF8.self).components(separatedBy: "x@1").count == 2, "one x@1 key")
    }

    @Test func documentCarriesECSFields() throws {
        let line = Array("<165>1 2003-10-11T22:14:15.003Z host1 app 42 ID1 [a b=\"c\"] hello \u{FF}".utf8) + [0xFF]
        var p = SyslogParser(zone: .utc)
        let m = line.withUnsafeBufferPointer { p.parse($0, reference: 0) }
        var e = SyslogDocumentEncoder(dataset: "system.syslog", agent: AgentInfo(name: "a", id: "b"))
        var out: [UInt8] = []
        var origin = SyslogDocumentEncoder.Origin()
        origin.sourceIP = Array("\"10.1.2.3\"".utf8)
        line.withUnsafeBufferPointer { e.encode($0, m, eventTime: m.timestamp!, origin: origin, notes: [], into: &out) }
        let doc = String(decoding: out, as: UTF8.self)
        for part in ["\"level\":\"notice\"", "\"priority\":165", "\"facility\":{\"code\":20,\"name\":\"local4\"}",
                     "\"hostname\":\"host1\"", "\"structured_data\":{\"a\":{\"b\":\"c\"}}", "\"version\":\"1\"",
                     "\"host\":{\"name\":\"host1\"}", "\"process\":{\"name\":\"app\",\"pid\":42}", "\"source\":{\"ip\":\"10.1.2.3\"}",
                     "\"dataset\":\"system.syslog\"", "syslog_invalid_utf8"] {
            #expect(doc.contains(part), "\(part) missing in \(doc)")
        }
        #expect(e.lastWasMalformed)
    }
}
