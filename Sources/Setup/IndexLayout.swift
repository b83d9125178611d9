import JSON
/// How the shipper names what it writes, which decides the shape of the dataset index templates
/// (`output.mode` in the configuration).
public enum IndexLayout: Sendable, Equatable {
    /// `logs-<dataset>-YYYY.MM.DD`: plain indices; the templates are installed as the files say (patterns
    /// `logs-<dataset>-2*`: date-led names only, so another product's `logs-<dataset>-<namespace>` data streams
    /// never match them).
    case dailyIndices
    /// `logs-<dataset>-<namespace>`: the dataset templates (`logbridge-logs-<dataset>`) get `"data_stream": {}`
    /// and the pattern `logs-<dataset>-<namespace>`, so the first `create` makes a data stream, and the data
    /// streams of other namespaces (Elastic Agent's `default`, say) stay with their own templates. On
    /// Elasticsearch they name the ILM policy that rolls over (`ilmDataStreamPolicy`). Other templates (dead
    /// letters, alarms) stay plain: LogBridge writes those as daily or monthly indices in either mode.
    case dataStreams(namespace: String)

    static let datasetTemplatePrefix = "logbridge-logs-"
    /// ILM deletes only indices that were rolled over, never a data stream's write index.
    static let ilmDataStreamPolicy = "logbridge-data-streams"

    var isDataStreams: Bool { if case .dataStreams = self { true } else { false } }

    /// The dataset a template is for, when it is a dataset template (`logbridge-logs-system.journal` → `system.journal`).
    static func dataset(ofTemplate name: String) -> String? {
        guard name.hasPrefix(datasetTemplatePrefix), name.count > datasetTemplatePrefix.count else { return nil }
        return String(name.dropFirst(datasetTemplatePrefix.count))
    }

    func indexTemplate(named name: String, body: JSONValue, target: SetupTarget) -> JSONValue {
        guard case .dataStreams(let namespace) = self, let dataset = Self.dataset(ofTemplate: name) else { return body }
        var body = body.setting("data_stream", to: .object([:]))
            .setting("index_patterns", to: .array([.string("logs-\(dataset)-\(namespace)")]))
        if target.lifecycle == .ilm {
            let settings = ["template", "settings", "index", "lifecycle", "name"]
            body = body.replacing(path: settings, with: .string(Self.ilmDataStreamPolicy))
        }
        return body
    }
}
