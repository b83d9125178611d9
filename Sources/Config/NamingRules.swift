import Foundation

/// What Elasticsearch/OpenSearch accept as index, data-stream and host names, checked at load time so that a
/// bad name is a configuration error with a line number rather than a rejected bulk request at 3 a.m.
enum NamingRules {
    /// Placeholders an index pattern may contain; the shipper substitutes them per event.
    static let indexTokens = ["{dataset}", "{yyyy.MM.dd}", "{yyyy}", "{MM}", "{dd}"]

    /// Characters the cluster refuses in index names.
    static let forbiddenIndexCharacters: Set<Character> = [" ", "*", "?", "\"", "<", ">", "|", "\\", ",", "#", "/", ":"]

    /// Why `pattern` cannot name an index, or nil when it can.
    static func indexPatternProblem(_ pattern: String, requiresDataset: Bool) -> String? {
        if requiresDataset && !pattern.contains("{dataset}") {
            return "must contain {dataset}, so that each dataset gets its own indices (e.g. \"logs-{dataset}-{yyyy.MM.dd}\")"
        }
        var literal = pattern
        for token in indexTokens { literal = literal.replacingOccurrences(of: token, with: "") }
        if let brace = literal.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            let rest = literal[brace...].prefix(while: { $0 != " " })
            return "unknown placeholder near \"\(rest)\"; known placeholders: " + indexTokens.joined(separator: ", ")
        }
        if let bad = literal.first(where: { forbiddenIndexCharacters.contains($0) }) {
            return "must not contain \(bad == " " ? "spaces" : "\"\(bad)\"") (not allowed in index names)"
        }
        if literal != literal.lowercased() { return "must be lowercase apart from the date placeholders" }
        if let first = pattern.first, "-_+".contains(first) { return "must not start with \"\(first)\"" }
        return nil
    }

    /// Why `name` cannot be the dataset or namespace part of `logs-<dataset>-<namespace>`, or nil.
    static func dataStreamPartProblem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name != name.lowercased() { return "must be lowercase" }
        if let bad = name.first(where: { forbiddenIndexCharacters.contains($0) || $0 == "-" }) {
            return "must not contain \(bad == " " ? "spaces" : "\"\(bad)\"") (it becomes part of a data stream name)"
        }
        if name.utf8.count > 100 { return "must be at most 100 bytes long" }
        return nil
    }

    /// A dataset also becomes part of index names in `index` mode, where `-` is fine.
    static func datasetProblem(_ name: String, dataStreamMode: Bool) -> String? {
        if dataStreamMode { return dataStreamPartProblem(name) }
        if name.isEmpty { return "must not be empty" }
        if name != name.lowercased() { return "must be lowercase (it becomes part of index names)" }
        if let bad = name.first(where: { forbiddenIndexCharacters.contains($0) }) {
            return "must not contain \(bad == " " ? "spaces" : "\"\(bad)\"") (it becomes part of index names)"
        }
        return nil
    }

    /// The host URL as the output should use it (no trailing slash), or why it cannot be used.
    ///
    /// Split by hand rather than with `URLComponents`: its `host` runs IDNA through ICU, which maps ~3 MB of
    /// library pages into every shipper for a check that only needs the URL's punctuation. libcurl does the real
    /// parsing when it connects.
    static func normalizedHost(_ text: String) -> Result<String, HostProblem> {
        let bytes = Array(text.utf8)
        let notAURL = HostProblem("expected an http:// or https:// URL like \"https://es1:9200\", got \"\(text)\"")
        guard let schemeEnd = bytes.firstIndex(of: UInt8(ascii: ":")),
              bytes[schemeEnd...].starts(with: "://".utf8),
              ["http", "https"].contains(String(decoding: bytes[..<schemeEnd], as: UTF8.self).lowercased()),
              !bytes.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return .failure(notAURL) }
        let authorityStart = schemeEnd + 3
        let authorityEnd = bytes[authorityStart...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) ?? bytes.endIndex
        let authority = bytes[authorityStart..<authorityEnd]
        if authority.contains(UInt8(ascii: "@")) {
            return .failure(HostProblem("credentials must not be written into the URL; use output.auth with password_file or password_env"))
        }
        guard let host = hostPart(of: authority) else { return .failure(notAURL) }
        guard !host.isEmpty else {
            return .failure(HostProblem("\"\(text)\" has no host name"))
        }
        if bytes.contains(UInt8(ascii: "?")) || bytes.contains(UInt8(ascii: "#")) {
            return .failure(HostProblem("\"\(text)\" must not have a query or fragment"))
        }
        var normalized = text
        while normalized.hasSuffix("/") { normalized.removeLast() }
        return .success(normalized)
    }

    /// The host of `host[:port]` or `[v6]:port`; nil when the port is not a number.
    private static func hostPart(of authority: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var host = authority
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = authority[authority.startIndex...close]
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            host = authority[..<colon]
        }
        let rest = authority[host.endIndex...]
        if rest.isEmpty { return host }
        guard rest.first == UInt8(ascii: ":"), rest.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return host
    }

    struct HostProblem: Error { let message: String; init(_ message: String) { self.message = message } }
}
