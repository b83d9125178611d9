/// A configuration problem, always pointing at the place to fix: `file:line: key.path: message`.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The configuration file as it was named to the loader.
    public var file: String
    /// 1-based line in `file`; nil only when the problem is the file as a whole (unreadable, empty).
    public var line: Int?
    /// Dotted path of the offending key, e.g. `output.batch.max_bytes` or `inputs[0].id`; empty for the document.
    public var keyPath: String
    public var message: String

    public init(file: String, line: Int?, keyPath: String, message: String) {
        self.file = file; self.line = line; self.keyPath = keyPath; self.message = message
    }

    public var description: String {
        var out = file
        if let line { out += ":\(line)" }
        out += ": "
        if !keyPath.isEmpty { out += keyPath + ": " }
        return out + message
    }
}
