import Glibc

/// Counts the actions of a `_bulk` body and writes the response Elasticsearch would give, one item per action.
///
/// The body is walked line by line with `memchr`; only action lines are looked into (action name, `_index`,
/// `_id`), source lines are skipped, so the cost per document is a few short scans and appends into a buffer
/// the connection reuses.
struct BulkResponder {
    enum Outcome {
        case accepted(docs: Int)
        case rejected(reason: String)
    }

    private var nextSequenceNumber = 0

    mutating func respond(to body: UnsafeBufferPointer<UInt8>, defaultIndex: [UInt8], tookMillis: Int,
                          into response: inout [UInt8]) -> Outcome {
        response.removeAll(keepingCapacity: true)
        guard let base = body.baseAddress, body.count > 0 else { return .rejected(reason: "request body is required") }
        guard body[body.count - 1] == 10 else {
            return .rejected(reason: "The bulk request must be terminated by a newline [\\\\n]")
        }
        response.append(ascii: #"{"took":"#)
        response.appendDecimal(tookMillis)
        response.append(ascii: #","errors":false,"items":["#)
        var docs = 0
        var position = 0
        var lineNumber = 0
        while position < body.count {
            let lineEnd = Self.newline(in: base, from: position, to: body.count)
            lineNumber += 1
            if lineEnd == position { position += 1; continue }
            let line = UnsafeBufferPointer(start: base + position, count: lineEnd - position)
            guard let action = Self.action(in: line) else {
                return .rejected(reason: "Malformed action/metadata line [\(lineNumber)], expected START_OBJECT or an action name")
            }
            position = lineEnd + 1
            if action != .delete {
                guard position < body.count else {
                    return .rejected(reason: "Validation Failed: 1: source is missing for the action on line \(lineNumber);")
                }
                position = Self.newline(in: base, from: position, to: body.count) + 1
                lineNumber += 1
            }
            if docs > 0 { response.append(44) }
            appendItem(action, line: line, defaultIndex: defaultIndex, into: &response)
            docs += 1
        }
        response.append(ascii: "]}")
        return .accepted(docs: docs)
    }

    private mutating func appendItem(_ action: Action, line: UnsafeBufferPointer<UInt8>, defaultIndex: [UInt8],
                                     into response: inout [UInt8]) {
        response.append(ascii: #"{""#)
        response.append(ascii: action.name)
        response.append(ascii: #"":{"_index":""#)
        if let index = Self.stringValue(of: #""_index""#, in: line) {
            response.append(contentsOf: index)
        } else {
            response.append(contentsOf: defaultIndex)
        }
        response.append(ascii: #"","_id":""#)
        if let id = Self.stringValue(of: #""_id""#, in: line) {
            response.append(contentsOf: id)
        } else {
            // Elasticsearch generates a 20-character id; a counter is unique enough for a counting sink.
            response.append(ascii: "benchsink")
            let digits = String(nextSequenceNumber)
            for _ in digits.count..<11 { response.append(48) }
            response.append(contentsOf: digits.utf8)
        }
        response.append(ascii: #"","_version":1,"result":""#)
        response.append(ascii: action.result)
        response.append(ascii: #"","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":"#)
        response.appendDecimal(nextSequenceNumber)
        response.append(ascii: #","_primary_term":1,"status":"#)
        response.append(ascii: action.status)
        response.append(ascii: "}}")
        nextSequenceNumber += 1
    }

    enum Action {
        case create, index, update, delete
        static let all: [Action] = [.create, .index, .update, .delete]

        var name: StaticString {
            switch self { case .create: "create"; case .index: "index"; case .update: "update"; case .delete: "delete" }
        }
        var result: StaticString {
            switch self { case .create, .index: "created"; case .update: "updated"; case .delete: "deleted" }
        }
        var status: StaticString {
            switch self { case .create, .index: "201"; case .update, .delete: "200" }
        }
    }

    /// The first key of `{"create": {...}}`, allowing the whitespace JSON allows.
    private static func action(in line: UnsafeBufferPointer<UInt8>) -> Action? {
        var i = 0
        func skipSpaces() { while i < line.count, line[i] == 32 || line[i] == 9 || line[i] == 13 { i += 1 } }
        skipSpaces()
        guard i < line.count, line[i] == UInt8(ascii: "{") else { return nil }
        i += 1; skipSpaces()
        guard i < line.count, line[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var end = start
        while end < line.count, line[end] != UInt8(ascii: "\"") { end += 1 }
        guard end < line.count, let base = line.baseAddress else { return nil }
        for action in Action.all
        where action.name.utf8CodeUnitCount == end - start && memcmp(base + start, action.name.utf8Start, end - start) == 0 {
            return action
        }
        return nil
    }

    /// The string after `"key"` and a colon; good enough for action lines, which clients write plainly.
    private static func stringValue(of key: StaticString, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let keyLength = key.utf8CodeUnitCount
        guard line.count > keyLength, let base = line.baseAddress else { return nil }
        var i = 0
        while i + keyLength <= line.count {
            if memcmp(base + i, key.utf8Start, keyLength) == 0 {
                var j = i + keyLength
                while j < line.count, line[j] == 32 || line[j] == 58 { j += 1 }
                guard j < line.count, line[j] == UInt8(ascii: "\"") else { return nil }
                let start = j + 1
                var end = start
                while end < line.count, line[end] != UInt8(ascii: "\"") { end += 1 }
                return UnsafeBufferPointer(start: base + start, count: end - start)
            }
            i += 1
        }
        return nil
    }

    /// Index of the next `\n` at or after `from`, or `to` if there is none.
    private static func newline(in base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        guard let found = memchr(base + from, 10, to - from) else { return to }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
