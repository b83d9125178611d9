import FuzzSupport
@_spi(Fuzzing) import InfoLoggerInput

// `local` and `stream` modes: any process on a node can write to infoLoggerD's socket, and the online stream
// crosses the network. The line splitter must give exactly the records the stream holds, whatever the read
// sizes, and close the connection on exactly the lines that are too long.
FuzzSupport.main { input in
    // Byte 0 picks max_record_bytes (1–256), so short inputs reach the limit on both sides of it.
    guard let first = input.first else { return }
    let maxRecordBytes = Int(first) + 1
    let stream = Array(input.dropFirst())

    let whole = InfoLoggerFuzzing.lines(stream, chunk: stream.count, maxRecordBytes: maxRecordBytes)
    // Small pieces only for short inputs: the buffer is copied per piece here (not in the receiver).
    for chunk in (stream.count <= 512 ? [1] : []) + [2, 7, 64, 4096] {
        let cut = InfoLoggerFuzzing.lines(stream, chunk: chunk, maxRecordBytes: maxRecordBytes)
        precondition(cut == whole, "lines differ when the stream arrives in \(chunk)-byte pieces")
    }

    // The specification, written out independently: split at \n; a line (the last one may lack its \n) longer
    // than max + 1 ends the stream; trailing CR/NUL are trimmed; empty lines are skipped; longer than max ends it.
    var expected: [InfoLoggerFuzzing.Line] = []
    for raw in stream.split(separator: 0x0A, omittingEmptySubsequences: false) {
        if raw.count > maxRecordBytes + 1 { expected.append(.tooLong); break }
        var line = raw
        while let last = line.last, last == 0x0D || last == 0x00 { line = line.dropLast() }
        if line.isEmpty { continue }
        if line.count > maxRecordBytes { expected.append(.tooLong); break }
        expected.append(.record(Array(line)))
    }
    precondition(whole == expected, "splitter disagrees with the rule: \(whole.count) items vs \(expected.count)")

    // Each record becomes one bulk item that is valid JSON (a few per input: the decoder has its own target).
    for case .record(let r) in whole.prefix(4) {
        let lines = FuzzSupport.requireJSONObjectLines(InfoLoggerFuzzing.encode(r), what: "line record")
        precondition(lines.count == 2, "one record must give one bulk item")
    }
}
