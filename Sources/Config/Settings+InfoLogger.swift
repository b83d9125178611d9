/// `type: infologger` — ALICE InfoLogger messages (issue: InfoLogger integration). Owned by the InfoLogger input.
public struct InfoLoggerInputSettings: Sendable, Equatable {
    public var id: String
    public var dataset: String = "infologger"
    public var spool: SpoolSettings = SpoolSettings()
    public init(id: String) { self.id = id }
}
