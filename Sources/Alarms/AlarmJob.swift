import Bulk
import Foundation
import Logging

/// One cycle of the alarm job: read state, lease the rules that are due, count, raise/clear, notify, write state.
/// Five requests for the whole cycle in the steady state (state, leases, `_msearch` per batch, state + history),
/// whatever the number of rules.
public final class AlarmJob: @unchecked Sendable {
    public struct Options: Sendable {
        /// Identifies this instance in leases.
        public var owner = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)
        /// After downtime, windows older than this are skipped (and reported); newer ones are caught up.
        public var maxCatchup: Double = 3600
        /// A lease held by a crashed instance is taken over after this long.
        public var leaseSeconds: Double = 120
        public var workers = 2
        /// Fold the cycle's searches into shared ones (`SearchMerger`); off only to compare against.
        public var mergeSearches = true
        /// Send nothing to sinks and write nothing (used by `rules test`).
        public var dryRun = false
        public init() {}
    }

    public struct RuleReport: Sendable {
        public var rule: String
        public var steps = 0
        public var events: [AlarmEvent] = []
        public var skipped: (from: Double, to: Double)? = nil
        public var error: String? = nil
        public var leasedElsewhere = false
    }

    public struct CycleReport: Sendable {
        public var rules: [RuleReport] = []
        /// `_msearch` requests sent, and the searches inside them.
        public var queries = 0
        public var searches = 0
        public var responseBytes = 0
        public var sinkErrors: [String] = []
        public var events: [AlarmEvent] { rules.flatMap(\.events) }
    }

    public let rules: [Rule]
    public let options: Options
    private let store: StateStore
    private let searcher: Searcher
    private let logger: Logger

    public init(rules: [Rule], client: ClusterClient, options: Options = Options(), logger: Logger = Logger(label: "alarms")) {
        self.rules = rules
        self.options = options
        self.store = StateStore(client: client)
        self.searcher = Searcher(settings: client.settings, workers: options.workers, merge: options.mergeSearches)
        self.logger = logger
    }

    /// The rules due at `now`, run once each.
    public func runCycle(now: Double = Date().timeIntervalSince1970) throws -> CycleReport {
        try store.prepare()
        var state = try store.load()
        var report = CycleReport()
        let queriesBefore = searcher.requests, bytesBefore = searcher.responseBytes, searchesBefore = searcher.searches

        // Leases: one conditional write per due rule, in one request. A 409 means another instance has it.
        var due: [Rule] = []
        for rule in rules {
            let p = state.progress[rule.name]
            let target = now - rule.queryDelay
            if let last = p?.lastEnd, target - last < rule.runEvery { continue }
            if let p, let owner = p.owner, owner != options.owner, p.leaseUntil > now {
                report.rules.append(RuleReport(rule: rule.name, leasedElsewhere: true)); continue
            }
            due.append(rule)
        }
        var leases: [String: (Int, Int)] = [:]
        if !options.dryRun {
            let writes = due.map { rule -> StateStore.Write in
                let p = state.progress[rule.name]
                let seq = p.flatMap { p in p.seqNo.flatMap { s in p.primaryTerm.map { (s, $0) } } }
                return .init(id: AlarmState.ruleID(rule.name), index: StateStore.stateIndex,
                             source: StateStore.ruleDoc(rule.name, lastEnd: p?.lastEnd, owner: options.owner,
                                                        leaseUntil: now + options.leaseSeconds),
                             ifSeqNo: seq, create: seq == nil)
            }
            for (rule, result) in zip(due, try store.write(writes, refresh: false)) {
                switch result {
                case .ok(let seq, let term): leases[rule.name] = (seq, term)
                case .conflict: report.rules.append(RuleReport(rule: rule.name, leasedElsewhere: true))
                case .failed(let reason): report.rules.append(RuleReport(rule: rule.name, error: "lease: \(reason)"))
                }
            }
            due = due.filter { leases[$0.name] != nil }
        }

        // Windows: contiguous from the previous end; bounded catch-up after downtime.
        var plans: [(rule: Rule, previous: Double, ends: [Double], skipped: (Double, Double)?)] = []
        for rule in due {
            let target = now - rule.queryDelay
            var previous = state.progress[rule.name]?.lastEnd ?? (target - rule.runEvery)
            var skipped: (Double, Double)? = nil
            if target - previous > options.maxCatchup {
                skipped = (previous, target - options.maxCatchup)
                previous = target - options.maxCatchup
            }
            plans.append((rule, previous, Self.stepEnds(from: previous, to: target, every: rule.runEvery), skipped))
        }
        var windows: [String: [String: AlarmRecord]] = [:]
        var termsChanged = Set<String>()
        var results = try evaluate(plans.map { ($0.rule, $0.previous, $0.ends) }, state: &state, active: &windows, termsChanged: &termsChanged)
        for plan in plans {
            if let s = plan.skipped {
                logger.warning("alarm rule catch-up limit reached: window skipped", metadata: [
                    "rule": "\(plan.rule.name)", "from": "\(Timestamps.format(s.0))", "to": "\(Timestamps.format(s.1))"])
                results[plan.rule.name]?.skipped = s
            }
        }
        try addIncludedFields(&results, plans: plans.map { ($0.rule, $0.ends.last ?? now) })
        report.rules += plans.compactMap { results[$0.rule.name] }

        if options.dryRun {
            report.queries = searcher.requests - queriesBefore
            report.searches = searcher.searches - searchesBefore
            report.responseBytes = searcher.responseBytes - bytesBefore
            return report
        }

        // Sinks: pending events first, then this cycle's; silenced alarms reach only the alarm index.
        var perSink: [String: (sink: any AlarmSink, events: [AlarmEvent])] = [:]
        for (id, events) in state.pending { if let spec = sinkSpec(id: id) { perSink[id] = (Sinks.make(spec), events) } }
        for plan in plans {
            for event in results[plan.rule.name]?.events ?? [] where !state.isSilenced(event.rule, event.key, at: now) {
                for spec in plan.rule.sinks {
                    let sink = Sinks.make(spec)
                    perSink[sink.id, default: (sink, [])].events.append(event)
                }
            }
        }
        var pending: [String: [AlarmEvent]] = [:]
        for (id, entry) in perSink where !entry.events.isEmpty {
            let (ok, error) = SinkDelivery.deliver(entry.events, to: entry.sink)
            if !ok {
                pending[id] = Array(entry.events.suffix(10_000))
                report.sinkErrors.append("\(id): \(error ?? "")")
                logger.error("alarm sink failed; events kept for the next cycle", metadata: ["sink": "\(id)", "error": "\(error ?? "")"])
            }
        }

        // State and history in one request. The rule document is written under its lease.
        var writes: [StateStore.Write] = []
        for plan in plans {
            let name = plan.rule.name
            let before = state.active[name] ?? [:]
            let after = windows[name] ?? before
            // An alarm that holds without a new notification is unchanged: rewriting it would cost the cluster
            // an indexing per active alarm per cycle (most of a steady-state cycle's writes).
            for (key, record) in after where before[key] != record {
                writes.append(.init(id: AlarmState.alarmID(name, key), index: StateStore.stateIndex, source: StateStore.alarmDoc(record)))
            }
            for key in before.keys where after[key] == nil { writes.append(.init(id: AlarmState.alarmID(name, key), index: StateStore.stateIndex, source: nil)) }
            if termsChanged.contains(name) {
                writes.append(.init(id: AlarmState.termsID(name), index: StateStore.stateIndex,
                                    source: ["kind": "terms", "rule": name, "terms": Array(Array(state.terms[name] ?? []).sorted().suffix(50_000))]))
            }
            for event in results[name]?.events ?? [] {
                writes.append(.init(id: StateStore.historyID(event), index: Timestamps.monthIndex(StateStore.historyPrefix, event.time),
                                    source: StateStore.historyDoc(event, silenced: state.isSilenced(event.rule, event.key, at: now))))
            }
            let lastEnd = results[name]?.error == nil ? plan.ends.last ?? plan.previous : state.progress[name]?.lastEnd
            writes.append(.init(id: AlarmState.ruleID(name), index: StateStore.stateIndex,
                                source: StateStore.ruleDoc(name, lastEnd: lastEnd, owner: options.owner, leaseUntil: 0),
                                ifSeqNo: leases[name]))
        }
        for id in Set(state.pending.keys).union(pending.keys) {
            writes.append(.init(id: AlarmState.pendingID(id), index: StateStore.stateIndex,
                                source: pending[id].map { ["kind": "pending", "sink": id, "events": StateStore.encode($0) ?? []] }))
        }
        for (w, result) in zip(writes, try store.write(writes)) {
            if case .failed(let reason) = result { logger.error("alarm state write failed", metadata: ["id": "\(w.id)", "error": "\(reason)"]) }
            if case .conflict = result { logger.warning("lease lost while running; another instance took the rule over", metadata: ["id": "\(w.id)"]) }
        }
        report.queries = searcher.requests - queriesBefore
        report.searches = searcher.searches - searchesBefore
        report.responseBytes = searcher.responseBytes - bytesBefore
        return report
    }

    /// Window ends every `every` seconds after `from`, the last one exactly at `to`.
    static func stepEnds(from: Double, to: Double, every: Double) -> [Double] {
        guard to > from else { return [] }
        var ends: [Double] = []
        var t = from + every
        while t < to - 1e-6 { ends.append(t); t += every }
        ends.append(to)
        return ends
    }

    /// Runs every probe of every plan in one `_msearch` round, then applies the findings step by step.
    func evaluate(_ plans: [(rule: Rule, previous: Double, ends: [Double])], state: inout AlarmState,
                  active windows: inout [String: [String: AlarmRecord]], termsChanged: inout Set<String>) throws -> [String: RuleReport] {
        var probes: [Probe] = []
        var owners: [(rule: Int, step: Int)] = [] // step -1: terms baseline
        for (r, plan) in plans.enumerated() {
            if case .newTerm(_, let window) = plan.rule.kind, state.terms[plan.rule.name] == nil {
                probes.append(QueryBuilder.termsBaseline(plan.rule, before: plan.previous - plan.rule.bufferTime, window: window))
                owners.append((r, -1))
            }
            var previous = plan.previous
            for (s, end) in plan.ends.enumerated() {
                probes.append(QueryBuilder.probe(plan.rule, previousEnd: previous, end: end))
                owners.append((r, s))
                previous = end
            }
        }
        let (responses, errors) = searcher.search(probes)
        var reports: [String: RuleReport] = [:]
        var learning = Set<String>()
        for (i, owner) in owners.enumerated() {
            let rule = plans[owner.rule].rule
            var report = reports[rule.name] ?? RuleReport(rule: rule.name)
            defer { reports[rule.name] = report }
            guard report.error == nil else { continue }
            guard let response = responses[i] else {
                report.error = errors[i] ?? "no answer"
                logger.error("alarm rule query failed; its window will be retried", metadata: ["rule": "\(rule.name)", "error": "\(report.error!)"])
                continue
            }
            if owner.step == -1 {
                let baseline = Evaluator.terms(rule, response: response)
                state.terms[rule.name] = baseline
                termsChanged.insert(rule.name)
                // No history at all (a new deployment or index): learn from the first window instead of
                // reporting every term as new.
                if baseline.isEmpty { learning.insert(rule.name) }
                continue
            }
            report.steps += 1
            let active = windows[rule.name] ?? state.active[rule.name] ?? [:]
            var known = state.terms[rule.name]
            if case .change = rule.kind, known == nil { known = [] }
            let findings = learning.remove(rule.name) != nil ? []
                : Evaluator.findings(rule, response: response, activeKeys: Set(active.keys), knownTerms: known)
            let outcome = AlarmLifecycle.apply(rule, findings: findings, active: active, at: probes[i].end)
            windows[rule.name] = outcome.active
            report.events += outcome.events
            switch rule.kind {
            case .newTerm:
                state.terms[rule.name, default: []].formUnion(Evaluator.terms(rule, response: response))
                termsChanged.insert(rule.name)
            case .change(let field, _):
                let latest = Evaluator.latestValues(rule, field: field, response: response)
                var stored = state.terms[rule.name] ?? []
                for (key, value) in latest {
                    stored = stored.filter { !$0.hasPrefix(key + "=") }
                    stored.insert(key + "=" + value)
                }
                state.terms[rule.name] = stored
                termsChanged.insert(rule.name)
            default: break
            }
        }
        return reports
    }

    /// `include`: one search per rule with new raises (and only then), restricted to the raised keys, returning the
    /// latest matching document's included fields per key (`top_hits` size 1 under the key aggregation).
    private func addIncludedFields(_ results: inout [String: RuleReport], plans: [(rule: Rule, end: Double)]) throws {
        var probes: [Probe] = [], targets: [Rule] = []
        for (rule, end) in plans where !rule.include.isEmpty {
            let raised = (results[rule.name]?.events ?? []).filter { $0.state == .raised && $0.notification == 1 }
            guard !raised.isEmpty else { continue }
            let keys = QueryBuilder.groupingFields(rule)
            var filter: [Any] = [QueryBuilder.range(rule.timestampField, end - rule.lookback(previousEnd: end - rule.runEvery, end: end), end)]
            filter += rule.filters.compactMap { JSONText.decode(Array($0.utf8)) }
            if keys.count == 1 { filter.append(["terms": [keys[0]: Array(Set(raised.compactMap { $0.fields[keys[0]] }))]]) }
            let latest: [String: Any] = ["top_hits": ["size": 1, "_source": ["includes": rule.include],
                                                      "sort": [[rule.timestampField: ["order": "desc"]]]]]
            var body: [String: Any] = ["size": 0, "query": ["bool": ["filter": filter]]]
            body["aggs"] = keys.isEmpty ? ["latest": latest]
                : ["keys": ["composite": ["size": QueryBuilder.maxKeys, "sources": keys.map { [$0: ["terms": ["field": $0]]] }],
                            "aggs": ["latest": latest]]]
            probes.append(Probe(ruleName: rule.name, purpose: .evaluate, end: end, start: end, index: rule.indices.joined(separator: ","),
                                body: JSONText.encode(body)))
            targets.append(rule)
        }
        guard !probes.isEmpty else { return }
        let (responses, _) = searcher.search(probes)
        for (n, rule) in targets.enumerated() {
            guard let response = responses[n] else { continue }
            var sources: [String: [String: Any]] = [:]
            for g in Evaluator.groups(response, keys: QueryBuilder.groupingFields(rule)) {
                let hits = ((g.aggs["latest"] as? [String: Any])?["hits"] as? [String: Any])?["hits"] as? [[String: Any]]
                if let source = hits?.first?["_source"] as? [String: Any] { sources[g.key] = source }
            }
            guard var report = results[rule.name] else { continue }
            for i in report.events.indices where report.events[i].state == .raised {
                guard let source = sources[report.events[i].key] else { continue }
                for field in rule.include {
                    if let v = DocumentFields.value(source, path: field) { report.events[i].fields[field] = "\(v)" }
                }
                report.events[i] = AlarmText.withIncludes(rule, report.events[i])
            }
            results[rule.name] = report
        }
    }

    private func sinkSpec(id: String) -> SinkSpec? {
        rules.lazy.flatMap(\.sinks).first { Sinks.make($0).id == id }
    }

    /// What the cycle would have probed, for `--explain`.
    public func explain(now: Double, from: Double? = nil) -> [Probe] {
        rules.flatMap { rule -> [Probe] in
            let target = now - rule.queryDelay
            var previous = from ?? (target - rule.runEvery)
            return Self.stepEnds(from: previous, to: target, every: rule.runEvery).map { end in
                defer { previous = end }
                return QueryBuilder.probe(rule, previousEnd: previous, end: end)
            }
        }
    }

    /// `rules test`: the rule over [from, to) in run_every steps, from a clean state, nothing sent or written.
    public func backtest(from: Double, to: Double) throws -> CycleReport {
        var state = AlarmState()
        var windows: [String: [String: AlarmRecord]] = [:]
        var changed = Set<String>()
        let before = (searcher.requests, searcher.responseBytes, searcher.searches)
        var results = try evaluate(rules.map { ($0, from, Self.stepEnds(from: from, to: to, every: $0.runEvery)) },
                                   state: &state, active: &windows, termsChanged: &changed)
        try addIncludedFields(&results, plans: rules.map { ($0, to) })
        var report = CycleReport()
        report.rules = rules.compactMap { results[$0.name] }
        report.queries = searcher.requests - before.0
        report.responseBytes = searcher.responseBytes - before.1
        report.searches = searcher.searches - before.2
        return report
    }
}
