import ECS

/// Where an item was headed, read back from its action line `{"create":{"_index":"…","_id":"…"}}`.
struct ActionTarget: Equatable {
    var index: String?
    var id: String?

    init(index: String?, id: String?) { self.index = index; self.id = id }

    init(actionLine: ArraySlice<UInt8>) {
        var index: String? = nil
        var id: String? = nil
        Array(actionLine).withUnsafeBufferPointer { buffer in
            var c = JSONCursor(buffer)
            guard c.consume(0x7B), c.key() != nil, c.consume(0x7B), c.peek() != 0x7D else { return }
            repeat {
                guard let key = c.key() else { return }
                if c.equals(key, "_index"), c.peek() == 0x22 {
                    index = c.string()
                } else if c.equals(key, "_id"), c.peek() == 0x22 {
                    id = c.string()
                } else if !c.skipValue() {
                    return
                }
                guard c.nextMember() == true else { return }
            } while true
        }
        self.index = index
        self.id = id
    }
}

/// The document stored for an item the cluster rejected for good. The original document line is kept
/// as a JSON string, byte for byte, so it can be fixed and re-sent.
struct DeadLetter {
    var original: ArraySlice<UInt8>
    var errorType: String
    var errorMessage: String
    var target: ActionTarget
    var inputID: String

    init(original: ArraySlice<UInt8>, errorType: String, errorMessage: String, target: ActionTarget, inputID: String) {
        // The trailing newline belongs to NDJSON framing, not to the document.
        var doc = original
        while doc.last == 0x0A || doc.last == 0x0D { doc = doc.dropLast() }
        self.original = doc
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.target = target
        self.inputID = inputID
    }

    func document(timestamp: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(original.count + errorMessage.utf8.count + 256)
        out.append(contentsOf: #"{"@timestamp":"#.utf8)
        JSONBytes.appendString(timestamp, to: &out)
        out.append(contentsOf: #","event":{"original":"#.utf8)
        // Invalid UTF-8 would make the whole dead letter unparseable; it is repaired (valid input is unchanged).
        original.withUnsafeBufferPointer { _ = JSONBytes.appendString($0, to: &out) }
        out.append(contentsOf: #","kind":"pipeline_error"},"error":{"type":"#.utf8)
        JSONBytes.appendString(errorType, to: &out)
        out.append(contentsOf: #","message":"#.utf8)
        JSONBytes.appendString(errorMessage, to: &out)
        out.append(contentsOf: #"},"logbridge":{"index":"#.utf8)
        JSONBytes.appendString(target.index ?? "", to: &out)
        out.append(contentsOf: #","id":"#.utf8)
        JSONBytes.appendString(target.id ?? "", to: &out)
        out.append(contentsOf: #","input":"#.utf8)
        JSONBytes.appendString(inputID, to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
    }

    /// `create` with the original id: a dead letter written twice (after a retry) stays one document.
    func actionLine(deadLetterIndex: String) -> [UInt8] {
        var out = Array(#"{"create":{"_index":"#.utf8)
        JSONBytes.appendString(deadLetterIndex, to: &out)
        if let id = target.id {
            out.append(contentsOf: #","_id":"#.utf8)
            JSONBytes.appendString(id, to: &out)
        }
        out.append(contentsOf: "}}".utf8)
        return out
    }
}
