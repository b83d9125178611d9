import FuzzSupport
@_spi(Fuzzing) import InfoLoggerInput

// InfoLogger records come from any process on the farm (local socket, raw stream, infoLoggerD frames): any
// bytes must become a document or a closed connection, never a crash or a broken bulk body.
let versions = ["*1.2#", "*1.3#", "*1.4#"].map { Array($0.utf8) }

FuzzSupport.main { bytes in
    // The bytes as they are, then as the fields of each protocol version: after the prefix every byte goes to a
    // field of that version's layout, so all three field tables are reached without the fuzzer guessing `*1.x#`.
    let body = bytes.starts(with: [0x2A, 0x31, 0x2E]) && bytes.count >= 5 && bytes[4] == 0x23 ? Array(bytes[5...]) : bytes
    for record in [bytes] + versions.map({ $0 + body }) {
        let lines = FuzzSupport.requireJSONObjectLines(InfoLoggerFuzzing.encode(record), what: "infologger record")
        precondition(lines.count == 2, "one record must give one bulk item, got \(lines.count) lines")
        precondition(lines[1]["@timestamp"] is String, "document without @timestamp")
    }
    // Server mode: the same stream cut into TCP segments of any size must give the same frames and the same
    // verdict (a violation closes the connection; where it happens must not depend on segmentation).
    let maxRecordBytes = 256
    let whole = InfoLoggerFuzzing.frames(bytes, chunk: bytes.count, maxRecordBytes: maxRecordBytes)
    // Small pieces only for short inputs: the receiver re-parses from the buffer start, quadratic in the length
    // (1-byte pieces of a 4 kB input held the target at ~50 executions/s).
    for chunk in (bytes.count <= 256 ? [1] : []) + (bytes.count <= 1024 ? [3] : []) + [17, 200] {
        let cut = InfoLoggerFuzzing.frames(bytes, chunk: chunk, maxRecordBytes: maxRecordBytes)
        precondition(cut == whole, "frames differ when the stream arrives in \(chunk)-byte pieces: \(cut) vs \(whole)")
    }
    for case .frame(_, _, let body) in whole {
        precondition(body.count <= maxRecordBytes + 1, "frame body of \(body.count) bytes above the limit")
        FuzzSupport.requireJSONObjectLines(InfoLoggerFuzzing.encode(body), what: "framed record")
    }
}
