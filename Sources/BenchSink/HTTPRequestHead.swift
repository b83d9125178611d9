/// The parts of an HTTP/1.1 request head the sink acts on.
struct HTTPRequestHead {
    var method = ""
    /// Without the query string.
    var path = ""
    var contentLength: Int?
    var chunked = false
    var expectsContinue = false
    var contentEncoding = ""
    var keepAlive = true

    /// `bytes` is the head without its final blank line; `nil` when it is not HTTP.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let requestLine = lines.popFirst() else { return nil }
        let words = requestLine.split(separator: " ")
        guard words.count == 3, words[2].hasPrefix("HTTP/1.") else { return nil }
        method = String(words[0])
        let target = words[1]
        path = String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        keepAlive = words[2] != "HTTP/1.0"
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces().lowercased()
            switch name {
            case "content-length": contentLength = Int(value)
            case "transfer-encoding": chunked = value.contains("chunked")
            case "expect": expectsContinue = value == "100-continue"
            case "content-encoding": contentEncoding = value
            case "connection":
                if value.contains("close") { keepAlive = false } else if value.contains("keep-alive") { keepAlive = true }
            default: break
            }
        }
    }
}

private extension Substring {
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
