import ECS

/// The record decoder, the document encoder and the server-mode frame parser read bytes any process on the
/// farm can send: the fuzz target `fuzz-infologger` drives them through this entry point. Not API for
/// anything else.
@_spi(Fuzzing) public enum InfoLoggerFuzzing {
    /// Encodes `record` as one bulk item (action line + document line), exactly as the spool receives it.
    public static func encode(_ record: [UInt8]) -> [UInt8] {
        var encoder = InfoLoggerDocumentEncoder(dataset: "infologger", indexPattern: "logs-{dataset}-fuzz",
                                                agent: AgentInfo(name: "fuzz", id: "fuzz"))
        var out: [UInt8] = []
        record.withUnsafeBufferPointer { encoder.encode($0, arrivalMicros: 1_800_000_000_000_000, into: &out) }
        return out
    }

    /// One item the frame parser produced, with the body copied out so runs over different chunkings compare.
    public enum Item: Equatable {
        case hello(String)
        case frame(minID: UInt64, majID: UInt64, body: [UInt8])
        case violation
    }

    /// Feeds `stream` to a frame parser `chunk` bytes at a time, consuming items as `ServerModeReceiver` does
    /// (a growing buffer, parsed from its start after every read); stops at the first violation, which closes
    /// the connection in the receiver.
    public static func frames(_ stream: [UInt8], chunk: Int, maxRecordBytes: Int) -> [Item] {
        var parser = FrameParser(maxRecordBytes: maxRecordBytes)
        var buffer: [UInt8] = []
        var items: [Item] = []
        var fed = 0
        while fed < stream.count {
            let n = min(max(1, chunk), stream.count - fed)
            buffer += stream[fed..<(fed + n)]
            fed += n
            do {
                while true {
                    let next = try buffer.withUnsafeBufferPointer { try parser.next($0) }
                    guard let (item, length) = next else { break }
                    precondition(length > 0 && length <= buffer.count, "frame parser consumed \(length) of \(buffer.count) bytes")
                    switch item {
                    case .hello(let client): items.append(.hello(client))
                    case .frame(let minID, let majID, let body):
                        precondition(body.lowerBound >= 0 && body.upperBound <= length, "frame body \(body) outside the item")
                        items.append(.frame(minID: minID, majID: majID, body: Array(buffer[body])))
                    }
                    buffer.removeFirst(length)
                }
            } catch {
                items.append(.violation)
                return items
            }
        }
        return items
    }

    /// What `LineReader` makes of a `local`/`stream` byte stream: the records, then `.tooLong` if a line
    /// closed the connection.
    public enum Line: Equatable {
        case record([UInt8])
        case tooLong
    }

    /// Feeds `stream` to the line splitter `chunk` bytes at a time, keeping the unconsumed rest as
    /// `LineReader`'s buffer does, and ends the stream after the last byte (an unterminated rest is a record).
    public static func lines(_ stream: [UInt8], chunk: Int, maxRecordBytes: Int) -> [Line] {
        var splitter = LineSplitter(maxRecordBytes: maxRecordBytes)
        var buffer: [UInt8] = []
        var out: [Line] = []
        func take(_ r: UnsafeBufferPointer<UInt8>) -> LineReader.End? { out.append(.record(Array(r))); return nil }
        var fed = 0
        while fed < stream.count {
            let n = min(max(1, chunk), stream.count - fed)
            buffer += stream[fed..<(fed + n)]
            fed += n
            let (consumed, end) = buffer.withUnsafeBufferPointer { splitter.feed($0, take) }
            precondition(consumed >= 0 && consumed <= buffer.count, "line splitter consumed \(consumed) of \(buffer.count) bytes")
            if end != nil { out.append(.tooLong); return out }
            buffer.removeFirst(consumed)
        }
        if buffer.withUnsafeBufferPointer({ splitter.finish($0, take) }) != nil { out.append(.tooLong) }
        return out
    }
}
