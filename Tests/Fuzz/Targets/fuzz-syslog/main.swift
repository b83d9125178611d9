import ECS
import FuzzSupport
import SyslogFormat
import SyslogInput

// Syslog arrives from any device on the network (UDP, TCP, TLS) and from files: any bytes must become a
// document (parsed or tagged syslog_parse_failure), never a crash, an out-of-range field or broken JSON.

// A zone with DST, so year-less RFC 3164 times go through the local-to-UTC conversion and its gaps.
let zone = (try? SyslogTimeZone.load("Europe/Zurich")) ?? .utc
// 5 January: December lines belong to the previous year, so the year rollover is reached too.
let reference: Int64 = 1_767_571_200_000_000
let maxFrameBytes = 32

func parseAndEncode(_ line: UnsafeBufferPointer<UInt8>, _ expect: SyslogParser.Expect) {
    var parser = SyslogParser(zone: zone, expect: expect)
    let m = parser.parse(line, reference: reference)
    for r in [m.hostname, m.appname, m.procid, m.msgid, m.structuredData, m.message] {
        if let r { precondition(r.lowerBound >= 0 && r.upperBound <= line.count, "field \(r) outside a \(line.count)-byte line") }
    }
    precondition((-1...191).contains(m.priority), "priority \(m.priority)")
    var encoder = SyslogDocumentEncoder(dataset: "syslog", agent: AgentInfo(name: "fuzz", id: "fuzz"))
    var origin = SyslogDocumentEncoder.Origin()
    origin.sourceIP = Array("\"10.0.0.1\"".utf8)
    var out: [UInt8] = []
    encoder.encode(line, m, eventTime: m.timestamp ?? reference, origin: origin,
                   notes: m.format == .unparsed ? .parseFailure : [], into: &out)
    out.append(0x0A)
    FuzzSupport.requireJSONObjectLines(out, what: "syslog document")
}

/// Every frame the TCP framer cuts from `bytes` delivered `chunk` bytes at a time, then the connection closing.
func frames(_ bytes: [UInt8], chunk: Int) -> [[UInt8]] {
    var framer = SyslogFramer(maxBytes: maxFrameBytes)
    let limit = framer.maxBytes   // not read inside `take`: the framer is being mutated while it calls back
    var out: [[UInt8]] = []
    func take(_ frame: UnsafeBufferPointer<UInt8>, _ truncated: Bool) {
        precondition(frame.count <= limit, "frame of \(frame.count) bytes above maxBytes")
        out.append(Array(frame) + [truncated ? 1 : 0])
    }
    var i = 0
    while i < bytes.count {
        let end = min(bytes.count, i + chunk)
        bytes[i..<end].withUnsafeBytes { framer.feed($0, take) }
        // Bounded buffering: one message (cut at maxBytes) plus its length prefix.
        precondition(framer.pendingBytes <= maxFrameBytes + chunk + 12, "framer holds \(framer.pendingBytes) bytes")
        i = end
    }
    framer.finish(take)
    return out
}

FuzzSupport.main { bytes in
    bytes.withUnsafeBufferPointer { line in
        for expect in [SyslogParser.Expect.any, .rfc5424, .rfc3164] { parseAndEncode(line, expect) }
    }
    // The same stream in TCP segments of any size must give the same messages.
    let whole = frames(bytes, chunk: max(1, bytes.count))
    // 1-byte pieces only for short inputs: each piece re-scans what is pending, quadratic in the length.
    for chunk in (bytes.count <= 512 ? [1] : []) + [2, 7] {
        let cut = frames(bytes, chunk: chunk)
        precondition(cut == whole, "framer output depends on segmentation (\(chunk)-byte pieces): \(cut) vs \(whole)")
    }
    for frame in whole { frame.dropLast().withUnsafeBufferPointer { parseAndEncode($0, .any) } }
}
