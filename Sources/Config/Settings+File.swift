/// `type: file` — tailing log files (issue: log-file tailing). Owned by the file input.
public struct FileInputSettings: Sendable, Equatable {
    public var id: String
    public var dataset: String = "system.file"
    public init(id: String) { self.id = id }
}
