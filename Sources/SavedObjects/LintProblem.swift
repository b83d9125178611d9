/// One broken rule, located for an editor: `Dashboards/alarms.ndjson:3: logbridge-alarms-history: …`.
public struct LintProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var objectID: String
    public var message: String

    public var description: String {
        let at = line > 0 ? "\(file):\(line)" : file
        return objectID.isEmpty ? "\(at): \(message)" : "\(at): \(objectID): \(message)"
    }
}
