/// The infoLoggerD → infoLoggerServer byte stream, as captured from v2.9.0 (docs/infologger.md):
/// `INI <clientName> <proxyState>\n`, then frames `File <source> <minId> <majId> <size>\n` + `size` bytes
/// (the record and a trailing NUL) + `END\n`, pipelined.
struct FrameParser {
    enum Item: Equatable {
        /// The handshake line; the server answers `READY\n`.
        case hello(client: String)
        /// One message: `body` is the record without its trailing NUL, as offsets into the parsed bytes.
        case frame(minID: UInt64, majID: UInt64, body: Range<Int>)
    }

    /// A stream that is not the protocol; the connection is closed (it cannot be resynchronised safely).
    struct Violation: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Longer header lines are not InfoLogger (the source name is infoLoggerD's client name).
    static let maxLine = 1024

    let maxRecordBytes: Int
    private(set) var greeted = false

    init(maxRecordBytes: Int) { self.maxRecordBytes = maxRecordBytes }

    /// The next complete item at the start of `b` and how many bytes it used; nil when more bytes are needed.
    mutating func next(_ b: UnsafeBufferPointer<UInt8>) throws(Violation) -> (item: Item, length: Int)? {
        guard let newline = b.firstIndex(of: 0x0A) else {
            if b.count > Self.maxLine { throw Violation(description: "no line end within \(Self.maxLine) bytes (not InfoLogger framing)") }
            return nil
        }
        guard newline <= Self.maxLine else { throw Violation(description: "header line longer than \(Self.maxLine) bytes") }
        let line = UnsafeBufferPointer(rebasing: b[0..<newline])
        if !greeted {
            guard line.starts(with: Self.ini) else {
                throw Violation(description: "expected \"INI <client> <proxyState>\", got \(Self.preview(line))")
            }
            greeted = true
            let client = String(decoding: line.dropFirst(Self.ini.count).prefix { $0 != 0x20 }, as: UTF8.self)
            return (.hello(client: client), newline + 1)
        }
        guard line.starts(with: Self.file) else {
            throw Violation(description: "expected a \"File …\" frame header, got \(Self.preview(line))")
        }
        // `File <source> <minId> <majId> <size>`: read the three numbers from the end, the source may be anything.
        var cursor = line.count
        let size = try Self.numberBefore(&cursor, line)
        let majID = try Self.numberBefore(&cursor, line)
        let minID = try Self.numberBefore(&cursor, line)
                guard size >= 1, size <= UInt64(maxRecordBytes) + 1 else {
            throw Violation(description: "frame size \(size) outside 1…\(maxRecordBytes + 1) bytes (max_record_bytes + NUL)")
        }
        let bodyStart = newline + 1
        let bodyEnd = bodyStart + Int(size)
        guard b.count >= bodyEnd + 4 else { return nil }
        guard b[bodyEnd] == 0x45, b[bodyEnd + 1] == 0x4E, b[bodyEnd + 2] == 0x44, b[bodyEnd + 3] == 0x0A else {
            throw Violation(description: "frame of declared size \(size) is not followed by END (size lies or stream is corrupt)")
        }
        // The size counts the record's terminating NUL; a record without one is taken whole.
        let recordEnd = b[bodyEnd - 1] == 0 ? bodyEnd - 1 : bodyEnd
        return (.frame(minID: minID, majID: majID, body: bodyStart..<recordEnd), bodyEnd + 4)
    }

    /// The decimal number that ends at `cursor` (exclusive), preceded by a space; moves `cursor` before that space.
    private static func numberBefore(_ cursor: inout Int, _ line: UnsafeBufferPointer<UInt8>) throws(Violation) -> UInt64 {
        var value: UInt64 = 0, scale: UInt64 = 1, digits = 0
        while cursor > 0, line[cursor - 1] != 0x20 {
            let d = line[cursor - 1] &- 0x30
            guard d < 10, digits < 19 else { throw Violation(description: "bad number in frame header \(preview(line))") }
            value += UInt64(d) * scale; scale &*= 10; digits += 1; cursor -= 1
        }
        guard digits > 0, cursor > file.count else { throw Violation(description: "malformed frame header \(preview(line))") }
        cursor -= 1
        return value
    }

    private static let ini = Array("INI ".utf8)
    private static let file = Array("File ".utf8)

    /// The first bytes of a bad line, printable, for the log.
    static func preview(_ line: UnsafeBufferPointer<UInt8>) -> String {
        var s = "\""
        for b in line.prefix(60) { s += (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16) }
        return s + (line.count > 60 ? "…\"" : "\"")
    }
}
