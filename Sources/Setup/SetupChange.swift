/// What setup did, or in a dry run would do, to one object.
public struct SetupChange: Sendable, Equatable, CustomStringConvertible {
    public enum Action: Sendable, Equatable {
        case created(version: Int?)
        /// `from` is nil when the installed object carried no readable version.
        case updated(from: Int?, to: Int?)
        case unchanged(version: Int?)
        case wouldCreate(version: Int?)
        case wouldUpdate(from: Int?, to: Int?)
        /// The cluster has a newer version than these files (a newer LogBridge ran setup): left alone.
        case keptNewer(installed: Int, ours: Int)
        /// Not installed and not an error, e.g. a cluster without the lifecycle plugin.
        case skipped(reason: String)
    }

    public var kind: PlannedObject.Kind
    public var name: String
    public var action: Action
    /// The write sent, or in a dry run the one that would be; nil when nothing needs writing.
    public var request: SetupRequest?

    public init(kind: PlannedObject.Kind, name: String, action: Action, request: SetupRequest?) {
        self.kind = kind; self.name = name; self.action = action; self.request = request
    }

    /// e.g. `component template logbridge-ecs: updated v1 → v2`.
    public var description: String { "\(kind.rawValue) \(name): \(action.summary)" }
}

extension SetupChange.Action {
    public var summary: String {
        func v(_ version: Int?) -> String { version.map { "v\($0)" } ?? "unversioned" }
        switch self {
        case .created(let version): return "created \(v(version))"
        case let .updated(from, to): return "updated \(v(from)) → \(v(to))"
        case .unchanged(let version): return "unchanged \(v(version))"
        case .wouldCreate(let version): return "would create \(v(version))"
        case let .wouldUpdate(from, to): return "would update \(v(from)) → \(v(to))"
        case let .keptNewer(installed, ours): return "kept v\(installed) (newer than these files' v\(ours))"
        case .skipped(let reason): return "skipped: \(reason)"
        }
    }

    /// Whether this run wrote, or would write, the object.
    public var writes: Bool {
        switch self {
        case .created, .updated, .wouldCreate, .wouldUpdate: return true
        case .unchanged, .keptNewer, .skipped: return false
        }
    }
}

/// The outcome of one `logbridge setup`.
public struct SetupReport: Sendable, Equatable, CustomStringConvertible {
    public var target: SetupTarget
    public var dryRun: Bool
    public var changes: [SetupChange]

    /// One line per object, then a dry run's requests in full.
    public var description: String {
        var lines = ["\(dryRun ? "Dry run against" : "Setup of") \(target):"]
        lines += changes.map { "  \($0)" }
        if dryRun {
            for request in changes.compactMap(\.request) { lines.append("\n" + request.description) }
        }
        return lines.joined(separator: "\n")
    }
}
