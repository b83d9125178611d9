/// How the shipper names what it writes, which decides the shape of the dataset index templates
/// (`output.mode` in the configuration).
public enum IndexLayout: Sendable, Equatable {
    /// `logs-<dataset>-YYYY.MM.DD`: plain indices; the templates are installed as the files say.
    case dailyIndices
    /// `logs-<dataset>-<namespace>`: the dataset templates (`logs-<dataset>`) get `"data_stream": {}` and the
    /// pattern `logs-<dataset>-*`, so the first `create` makes a data stream. Other templates (dead letters,
    /// alarms) stay plain: LogBridge writes those as daily indices in either mode.
    case dataStreams

    static let datasetTemplatePrefix = "logs-"

    /// The dataset a template is for, when it is a dataset template (`logs-system.journal` → `system.journal`).
    static func dataset(ofTemplate name: String) -> String? {
        guard name.hasPrefix(datasetTemplatePrefix), name.count > datasetTemplatePrefix.count else { return nil }
        return String(name.dropFirst(datasetTemplatePrefix.count))
    }

    func indexTemplate(named name: String, body: JSONValue) -> JSONValue {
        guard self == .dataStreams, let dataset = Self.dataset(ofTemplate: name) else { return body }
        return body.setting("data_stream", to: .object([:]))
            .setting("index_patterns", to: .array([.string("logs-\(dataset)-*")]))
    }
}
