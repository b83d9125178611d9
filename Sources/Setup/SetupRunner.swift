import Logging

/// Installs a `MappingSet` into a cluster: for each planned object, GET what is there, compare versions, PUT
/// only when ours is newer or nothing is installed. Running it twice changes nothing the second time.
public struct SetupRunner {
    public var mappings: MappingSet
    public var layout: IndexLayout
    private let transport: SetupTransport
    private let detectTarget: () throws -> SetupTarget
    private let logger: Logger

    /// `detectTarget` is asked once per run; tests pass a fixed target, the program asks the cluster.
    public init(mappings: MappingSet, transport: @escaping SetupTransport,
                detectTarget: @escaping () throws -> SetupTarget, logger: Logger,
                layout: IndexLayout = .dailyIndices) {
        self.mappings = mappings; self.layout = layout; self.transport = transport; self.detectTarget = detectTarget; self.logger = logger
    }

    /// A dry run still reads the cluster (GETs only) to say what would change; it writes nothing.
    public func run(dryRun: Bool) throws -> SetupReport {
        let target = try detectTarget()
        logger.info("setup: target \(target)\(dryRun ? " (dry run)" : "")")
        var changes: [SetupChange] = []
        for object in try SetupPlan.objects(for: mappings, target: target, layout: layout) {
            let change = try apply(object, dryRun: dryRun)
            logger.log(level: Self.logLevel(change.action), "setup: \(change)")
            changes.append(change)
        }
        return SetupReport(target: target, dryRun: dryRun, changes: changes)
    }

    private func apply(_ object: PlannedObject, dryRun: Bool) throws -> SetupChange {
        func change(_ action: SetupChange.Action, _ request: SetupRequest? = nil) -> SetupChange {
            SetupChange(kind: object.kind, name: object.name, action: action, request: request)
        }
        let lookup = try send(SetupRequest(method: "GET", path: object.path), about: object) { response in
            response.isSuccess || response.status == 404 || Self.missingAPI(object, response) != nil
        }
        if let reason = Self.missingAPI(object, lookup) {
            return change(.skipped(reason: reason))
        }
        let installed = lookup.isSuccess ? lookup.json.flatMap { InstalledObject(object: object, response: $0) } : nil
        var put = SetupRequest(method: "PUT", path: object.path, body: object.body)

        guard let installed else {
            if dryRun { return change(.wouldCreate(version: object.version), put) }
            _ = try send(put, about: object)
            return change(.created(version: object.version), put)
        }
        if let have = installed.version, let ours = object.version, installed.isDataStream == object.isDataStream,
           installed.indexPatterns == object.indexPatterns {
            if have == ours { return change(.unchanged(version: have)) }
            if have > ours { return change(.keptNewer(installed: have, ours: ours)) }
        }
        if let seqNo = installed.seqNo, let primaryTerm = installed.primaryTerm {
            put.path += "?if_seq_no=\(seqNo)&if_primary_term=\(primaryTerm)"
        }
        if dryRun { return change(.wouldUpdate(from: installed.version, to: object.version), put) }
        _ = try send(put, about: object)
        return change(.updated(from: installed.version, to: object.version), put)
    }

    private static func logLevel(_ action: SetupChange.Action) -> Logger.Level {
        switch action {
        case .skipped, .keptNewer: return .warning
        case _ where action.writes: return .notice
        default: return .info
        }
    }

    /// A cluster without the lifecycle plugin (or a test engine without the API) answers that no handler
    /// exists: templates still work there, so setup goes on without the policy rather than failing.
    private static func missingAPI(_ object: PlannedObject, _ response: SetupResponse) -> String? {
        guard object.kind == .ismPolicy || object.kind == .ilmPolicy, !response.isSuccess else { return nil }
        let text = response.text
        guard text.contains("no handler found") || text.contains("invalid_index_name_exception") else { return nil }
        return "the cluster has no \(object.kind == .ismPolicy ? "ISM" : "ILM") API (HTTP \(response.status)); "
            + "indices will not be deleted automatically"
    }

    /// Any answer `accept` refuses (by default: any non-2xx) becomes `SetupError.rejected`.
    private func send(_ request: SetupRequest, about object: PlannedObject,
                      accept: (SetupResponse) -> Bool = { $0.isSuccess }) throws -> SetupResponse {
        let response: SetupResponse
        do {
            response = try transport(request)
        } catch {
            throw SetupError.unreachable(object: object.label, message: "\(error)")
        }
        if accept(response) { return response }
        throw SetupError.rejected(object: object.label, method: request.method, path: request.path,
                                  status: response.status, reason: response.errorReason + Self.hint(response.errorReason))
    }

    /// Engines refuse two index templates with overlapping patterns and equal priorities. Say what to do, since
    /// the other template is usually not LogBridge's (docs/mappings.md, "Names and priorities").
    static func hint(_ reason: String) -> String {
        guard reason.contains("same priority") else { return "" }
        return " (another index template matches the same indices with the same priority; give it a priority other "
            + "than LogBridge's, or delete it if an older LogBridge installed it: see docs/mappings.md, \"Names and priorities\")"
    }
}
