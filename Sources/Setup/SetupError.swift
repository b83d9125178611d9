/// Why setup stopped. Each case names the object concerned, so the operator knows which file to look at.
public enum SetupError: Error, Equatable, CustomStringConvertible {
    /// A file under `Mappings/` is missing, unreadable or breaks a rule (see `MappingSet+Validation`).
    case invalidMappings(file: String, reason: String)
    /// No `Mappings/` directory was given and none was found in the usual places.
    case mappingsNotFound(searched: [String])
    case unsupportedCluster(String)
    /// The cluster answered a request about `object` with a non-2xx status; `reason` is the cluster's own.
    case rejected(object: String, method: String, path: String, status: Int, reason: String)
    /// The request about `object` got no answer at all.
    case unreachable(object: String, message: String)

    public var description: String {
        switch self {
        case let .invalidMappings(file, reason): return "\(file): \(reason)"
        case let .mappingsNotFound(searched):
            return "no Mappings directory found (looked in \(searched.joined(separator: ", "))); pass --mappings DIR"
        case let .unsupportedCluster(what): return "unsupported cluster: \(what)"
        case let .rejected(object, method, path, status, reason):
            return "\(object): \(method) \(path) was rejected with HTTP \(status): \(reason)"
        case let .unreachable(object, message): return "\(object): no answer from the cluster: \(message)"
        }
    }
}
