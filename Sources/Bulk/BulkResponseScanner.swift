/// What one item of a `_bulk` response said.
struct BulkItemResult: Equatable, Sendable {
    var status: Int
    var errorType: String? = nil
    var errorReason: String? = nil
}

enum BulkResponse: Equatable, Sendable {
    /// `"errors":false`: every item succeeded, so the items are not read one by one.
    case allSucceeded
    /// Per-item results in request order.
    case items([BulkItemResult])
}

/// Reads `_bulk` responses without building a JSON tree: the common `"errors":false` answer costs one pass
/// over the top level, skipping the items array byte by byte.
enum BulkResponseScanner {
    /// Nil when the body is not a `_bulk` response (garbage, truncated, an HTML error page...).
    static func scan(_ body: [UInt8]) -> BulkResponse? {
        body.withUnsafeBufferPointer { buffer in
            var c = JSONCursor(buffer)
            guard c.consume(0x7B) else { return nil }
            var errors: Bool? = nil
            var items: [BulkItemResult]? = nil
            var sawItems = false
            if c.consume(0x7D) { return nil }
            repeat {
                guard let key = c.key() else { return nil }
                if c.equals(key, "errors") {
                    guard let b = c.bool() else { return nil }
                    errors = b
                } else if c.equals(key, "items") {
                    sawItems = true
                    if errors == false {
                        guard c.skipValue() else { return nil }
                    } else {
                        guard let parsed = readItems(&c) else { return nil }
                        items = parsed
                    }
                } else {
                    guard c.skipValue() else { return nil }
                }
                guard let more = c.nextMember() else { return nil }
                if !more { break }
            } while true
            switch (errors, sawItems) {
            case (false?, true): return .allSucceeded
            case (true?, true): return items.map { .items($0) }
            default: return nil
            }
        }
    }

    /// `error.type` and `error.reason` of a whole-request error body such as
    /// `{"error":{"type":"illegal_argument_exception","reason":"…"},"status":400}`.
    static func requestError(_ body: [UInt8]) -> (type: String, reason: String)? {
        body.withUnsafeBufferPointer { buffer in
            var c = JSONCursor(buffer)
            guard c.consume(0x7B), c.peek() != 0x7D else { return nil }
            repeat {
                guard let key = c.key() else { return nil }
                if c.equals(key, "error") {
                    guard let (type, reason) = readError(&c) else { return nil }
                    return (type ?? "error", reason ?? "")
                }
                guard c.skipValue(), let more = c.nextMember() else { return nil }
                if !more { return nil }
            } while true
        }
    }

    private static func readItems(_ c: inout JSONCursor) -> [BulkItemResult]? {
        guard c.consume(0x5B) else { return nil }
        var out: [BulkItemResult] = []
        if c.consume(0x5D) { return out }
        repeat {
            guard let item = readItem(&c) else { return nil }
            out.append(item)
            guard let more = c.nextMember(closing: 0x5D) else { return nil }
            if !more { return out }
        } while true
    }

    /// `{"create":{"_index":…,"status":409,"error":{…}}}`: the operation name does not matter.
    private static func readItem(_ c: inout JSONCursor) -> BulkItemResult? {
        guard c.consume(0x7B), c.key() != nil, c.consume(0x7B) else { return nil }
        var result = BulkItemResult(status: -1)
        if !c.consume(0x7D) {
            repeat {
                guard let key = c.key() else { return nil }
                if c.equals(key, "status") {
                    guard let s = c.integer() else { return nil }
                    result.status = s
                } else if c.equals(key, "error") {
                    guard let (type, reason) = readError(&c) else { return nil }
                    result.errorType = type
                    result.errorReason = reason
                } else {
                    guard c.skipValue() else { return nil }
                }
                guard let more = c.nextMember() else { return nil }
                if !more { break }
            } while true
        }
        guard result.status >= 100, c.consume(0x7D) else { return nil }
        return result
    }

    /// An error is normally an object with `type` and `reason`; some proxies send a bare string.
    private static func readError(_ c: inout JSONCursor) -> (String?, String?)? {
        if c.peek() == 0x22 { return c.string().map { (nil, $0) } }
        guard c.consume(0x7B) else { return nil }
        var type: String? = nil
        var reason: String? = nil
        if c.consume(0x7D) { return (nil, nil) }
        repeat {
            guard let key = c.key() else { return nil }
            if c.equals(key, "type"), c.peek() == 0x22 {
                type = c.string()
            } else if c.equals(key, "reason"), c.peek() == 0x22 {
                reason = c.string()
            } else {
                guard c.skipValue() else { return nil }
            }
            guard let more = c.nextMember() else { return nil }
            if !more { return (type, reason) }
        } while true
    }
}
