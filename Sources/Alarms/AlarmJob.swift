import Bulk
import Foundation
import JSON
import Logging

/// One cycle of the alarm job: read state, lease the rules that are due, count, raise/clear, notify, write state.
/// A handful of requests for the whole cycle whatever the number of rules: state, leases, one `_msearch` per batch
/// of shared searches, one `include` search when new alarms need it, and state + history in `_bulk` requests of
/// `StateStore.writesPerRequest` documents.
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
        /// Answer a catch-up's windows from bucketed searches (`ReplaySeries`); off only to compare against the
        /// window-by-window run.
        public var catchUpFromSeries = true
        public init() {}
    }

    public struct RuleReport: Sendable {
        public var rule: String
        public var steps = 0
        public var events: [AlarmEvent] = []
        /// Aggregation summaries this run sent (or, in a replay, would send) to the notification sinks instead of
        /// the events (`Aggregation`).
        public var summaries: [AlarmEvent] = []
        public var skipped: (from: Double, to: Double)? = nil
        public var error: String? = nil
        public var leasedElsewhere = false
    }

    public struct CycleReport: Sendable {
        public var rules: [RuleReport] = []
        /// `_msearch` requests sent, and the searches inside them.
        public var queries = 0
        public var searches = 0
        /// Questions in them (`Searcher.probes`).
        public var probes = 0
        public var responseBytes = 0
        /// The cluster's time for the searches (sum of their `took`, milliseconds).
        public var tookMillis = 0
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
        let ledgersBefore = state.ledgers
        var report = CycleReport()
        let queriesBefore = searcher.requests, bytesBefore = searcher.responseBytes, searchesBefore = searcher.searches
        let probesBefore = searcher.probes
        let tookBefore = searcher.tookMillis

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
        // A catch-up (several windows of one rule) is answered from bucketed searches like a replay: one search per
        // `ReplaySeries.windowsPerSearch` windows instead of one aggregation per window, each of which made the
        // cluster visit the window's whole look-back again (a `new_pattern` window: its whole `history`).
        var results = try evaluate(plans.map { ($0.rule, $0.previous, $0.ends) }, state: &state, active: &windows,
                                   termsChanged: &termsChanged, series: options.catchUpFromSeries ? 2 : nil)
        for plan in plans {
            if let s = plan.skipped {
                logger.warning("alarm rule catch-up limit reached: window skipped", metadata: [
                    "rule": "\(plan.rule.name)", "from": "\(Timestamps.format(s.0))", "to": "\(Timestamps.format(s.1))"])
                results[plan.rule.name]?.skipped = s
            }
        }
        try addMatchDetails(&results, active: &windows, rules: plans.map(\.rule))
        let aggregationsBefore = state.aggregations
        aggregate(plans.map { ($0.rule, $0.ends) }, results: &results, state: &state, now: now)
        report.rules += plans.compactMap { results[$0.rule.name] }

        if options.dryRun {
            report.queries = searcher.requests - queriesBefore
            report.searches = searcher.searches - searchesBefore
            report.probes = searcher.probes - probesBefore
            report.responseBytes = searcher.responseBytes - bytesBefore
            report.tookMillis = searcher.tookMillis - tookBefore
            return report
        }

        // Sinks: pending events first, then this cycle's; silenced alarms reach only the alarm index.
        var perSink: [String: (sink: any AlarmSink, events: [AlarmEvent])] = [:]
        for (id, events) in state.pending { if let spec = sinkSpec(id: id) { perSink[id] = (Sinks.make(spec), events) } }
        for plan in plans {
            // An aggregating rule's notification sinks get its summaries instead of its events (`Aggregation`).
            for summary in results[plan.rule.name]?.summaries ?? [] {
                for spec in plan.rule.sinks where !spec.holdsState {
                    let sink = Sinks.make(spec)
                    perSink[sink.id, default: (sink, [])].events.append(summary)
                }
            }
            for event in results[plan.rule.name]?.events ?? [] where !state.isSilenced(event.rule, event.key, at: now) {
                for spec in plan.rule.sinks where plan.rule.aggregation == nil || spec.holdsState {
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

        // State and history, sent as they are made in requests of `writesPerRequest` (a first cycle has thousands
        // of history documents; holding them all was the job's peak memory). Each rule's progress document comes
        // after its alarms and history, and is written under its lease.
        var writes: [StateStore.Write] = []
        func flush() throws {
            for (w, result) in zip(writes, try store.write(writes, needSequenceNumbers: false)) {
                if case .failed(let reason) = result { logger.error("alarm state write failed", metadata: ["id": "\(w.id)", "error": "\(reason)"]) }
                if case .conflict = result { logger.warning("lease lost while running; another instance took the rule over", metadata: ["id": "\(w.id)"]) }
            }
            writes.removeAll(keepingCapacity: true)
        }
        func emit(_ write: StateStore.Write) throws {
            writes.append(write)
            if writes.count >= StateStore.writesPerRequest { try flush() }
        }
        for plan in plans {
            let name = plan.rule.name
            let before = state.active[name] ?? [:]
            let after = windows[name] ?? before
            // Alarms that hold without a new notification are unchanged: the rule's alarm document is rewritten
            // only when one of them was raised, re-notified or cleared, and deleted when none is left.
            let legacy = state.legacyAlarmIDs[name] ?? []
            for id in legacy { try emit(.init(id: id, index: StateStore.stateIndex, source: nil)) }
            if after != before || !legacy.isEmpty {
                try emit(.init(id: AlarmState.alarmsID(name), index: StateStore.stateIndex,
                               source: after.isEmpty ? nil : StateStore.alarmsDoc(name, after)))
            }
            if termsChanged.contains(name) {
                try emit(.init(id: AlarmState.termsID(name), index: StateStore.stateIndex,
                                    source: ["kind": "terms", "rule": .string(name),
                                             "terms": JSONValue(Array(state.terms[name] ?? []).sorted().suffix(50_000))]))
            }
            // A failed rule keeps its stored ledger, as it keeps its progress: the windows are counted again.
            if results[name]?.error == nil, state.ledgers[name] != ledgersBefore[name] {
                let ledger = state.ledgers[name] ?? MatchLedger()
                try emit(.init(id: AlarmState.ledgerID(name), index: StateStore.stateIndex,
                               source: ledger.isEmpty ? nil : ["kind": "ledger", "rule": .string(name), "entries": ledger.entries]))
            }
            // Open periods, written before the progress that ends the windows which filled them (like the alarms).
            if results[name]?.error == nil, state.aggregations[name] != aggregationsBefore[name] {
                let groups = state.aggregations[name] ?? []
                try emit(.init(id: AlarmState.aggregationID(name), index: StateStore.stateIndex,
                               source: groups.isEmpty ? nil : Aggregation.document(name, groups)))
            }
            for event in results[name]?.events ?? [] {
                try emit(.init(id: StateStore.historyID(event), index: Timestamps.monthIndex(StateStore.historyPrefix, event.time),
                                    source: StateStore.historyDoc(event, silenced: state.isSilenced(event.rule, event.key, at: now))))
            }
            let lastEnd = results[name]?.error == nil ? plan.ends.last ?? plan.previous : state.progress[name]?.lastEnd
            try emit(.init(id: AlarmState.ruleID(name), index: StateStore.stateIndex,
                                source: StateStore.ruleDoc(name, lastEnd: lastEnd, owner: options.owner, leaseUntil: 0),
                                ifSeqNo: leases[name]))
        }
        for id in Set(state.pending.keys).union(pending.keys) {
            try emit(.init(id: AlarmState.pendingID(id), index: StateStore.stateIndex,
                                source: pending[id].map { ["kind": "pending", "sink": .string(id), "events": .array($0.map(StateStore.object))] }))
        }
        try flush()
        report.queries = searcher.requests - queriesBefore
        report.searches = searcher.searches - searchesBefore
        report.probes = searcher.probes - probesBefore
        report.responseBytes = searcher.responseBytes - bytesBefore
        report.tookMillis = searcher.tookMillis - tookBefore
        return report
    }

    /// Holds the events of aggregating rules for their periods and makes the summaries due (`Aggregation`),
    /// window by window. Silenced events reach only the alarm index, so they are not held either. A failed rule
    /// keeps its periods as stored: its windows run again.
    private func aggregate(_ plans: [(rule: Rule, ends: [Double])], results: inout [String: RuleReport],
                           state: inout AlarmState, now: Double) {
        for plan in plans where results[plan.rule.name]?.error == nil {
            let name = plan.rule.name
            guard plan.rule.aggregation != nil || state.aggregations[name] != nil, var report = results[name] else { continue }
            var groups = state.aggregations[name] ?? []
            for end in plan.ends {
                let held = report.events.filter { $0.time == end && !state.isSilenced($0.rule, $0.key, at: now) }
                report.summaries += Aggregation.step(plan.rule, groups: &groups, events: held, at: end)
            }
            state.aggregations[name] = groups.isEmpty ? nil : groups
            results[name] = report
        }
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
    /// - Parameter series: answer the windows of counting rules that have at least this many windows from bucketed
    ///   searches (`ReplaySeries`: `rules test`, catch-up after downtime); nil: every window searched on its own.
    func evaluate(_ plans: [(rule: Rule, previous: Double, ends: [Double])], state: inout AlarmState,
                  active windows: inout [String: [String: AlarmRecord]], termsChanged: inout Set<String>,
                  series minSeriesWindows: Int? = nil) throws -> [String: RuleReport] {
        // Replays and catch-ups: the windows answered from a few bucketed searches, sent first.
        var replayed: [Int: [JSONValue?]] = [:]
        var replayErrors: [Int: String] = [:]
        // Per rule: how many of its first windows the series answer (the rest are searched one by one).
        var fromSeries: [Int: Int] = [:]
        if let minSeriesWindows {
            var seriesProbes: [Probe] = []
            var seriesOwners: [(rule: Int, steps: Range<Int>)] = []
            for (r, plan) in plans.enumerated() where plan.ends.count >= minSeriesWindows {
                let chunks = ReplaySeries.chunks(plan.rule, previous: plan.previous, ends: plan.ends)
                guard (chunks.last?.steps.upperBound ?? 0) >= minSeriesWindows else { continue }
                for chunk in chunks {
                    seriesProbes.append(chunk.probe)
                    seriesOwners.append((r, chunk.steps))
                    fromSeries[r] = chunk.steps.upperBound
                }
            }
            let (answers, errs) = seriesProbes.isEmpty ? ([], [:]) : searcher.search(seriesProbes, spread: true)
            for (n, owner) in seriesOwners.enumerated() {
                let plan = plans[owner.rule]
                guard let answer = answers[n] else { replayErrors[owner.rule] = errs[n] ?? "no answer"; continue }
                let buckets = ReplaySeries.series(plan.rule, response: answer)
                var steps = replayed[owner.rule] ?? Array(repeating: nil, count: plan.ends.count)
                for s in owner.steps {
                    steps[s] = ReplaySeries.answer(plan.rule, buckets, previousEnd: s == 0 ? plan.previous : plan.ends[s - 1], end: plan.ends[s])
                }
                replayed[owner.rule] = steps
            }
        }
        var probes: [Probe] = []
        // step -1: terms baseline; probe nil: answered by the replay series.
        var owners: [(rule: Int, step: Int, end: Double, probe: Int?)] = []
        for (r, plan) in plans.enumerated() {
            if case .newTerm(_, let window) = plan.rule.kind, state.terms[plan.rule.name] == nil {
                probes.append(QueryBuilder.termsBaseline(plan.rule, before: plan.previous - plan.rule.bufferTime, window: window))
                owners.append((r, -1, plan.previous, probes.count - 1))
            }
            var previous = plan.previous
            for (s, end) in plan.ends.enumerated() {
                if s < fromSeries[r] ?? 0 { owners.append((r, s, end, nil)) } else {
                    probes.append(QueryBuilder.probe(plan.rule, previousEnd: previous, end: end))
                    owners.append((r, s, end, probes.count - 1))
                }
                previous = end
            }
        }
        let (responses, errors) = searcher.search(probes)
        var reports: [String: RuleReport] = [:]
        var learning = Set<String>()
        for owner in owners {
            let rule = plans[owner.rule].rule
            var report = reports[rule.name] ?? RuleReport(rule: rule.name)
            defer { reports[rule.name] = report }
            guard report.error == nil else { continue }
            let answer: JSONValue? = if let p = owner.probe { responses[p] } else { replayed[owner.rule]?[owner.step] ?? nil }
            guard let response = answer else {
                report.error = owner.probe.flatMap { errors[$0] } ?? replayErrors[owner.rule] ?? "no answer"
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
            var newMatches: [String: Int]? = nil
            if MatchLedger.applies(to: rule) {
                // The next window starts at this one's end minus buffer_time: older buckets are not needed again.
                let horizon = Int(MatchLedger.windowStart(rule, previousEnd: owner.end) * 1000)
                newMatches = state.ledgers[rule.name, default: MatchLedger()]
                    .absorb(Evaluator.histograms(rule, response: response), forgetBefore: horizon)
            }
            var findings = learning.remove(rule.name) != nil ? []
                : Evaluator.findings(rule, response: response, activeKeys: Set(active.keys), knownTerms: known, newMatches: newMatches)
            if case .newPattern(let o) = rule.kind {
                // The patterns this rule announced, kept in its `terms:<rule>` document like new_term's baseline, so
                // each is announced once across windows, restarts and instances (`PatternRules.Announced`).
                var announced = PatternRules.Announced(state.terms[rule.name] ?? [])
                let previousEnd = owner.step == 0 ? plans[owner.rule].previous : plans[owner.rule].ends[owner.step - 1]
                findings = PatternRules.newPatternFindings(rule, o, response: response, previousEnd: previousEnd,
                                                           end: owner.end, announced: &announced)
                announced.forget(before: Int((PatternRules.newZoneStart(rule, previousEnd: owner.end) * 1000).rounded()))
                let stored = announced.stored
                if stored != state.terms[rule.name] ?? [] {
                    state.terms[rule.name] = stored
                    termsChanged.insert(rule.name)
                }
            }
            let outcome = AlarmLifecycle.apply(rule, findings: findings, active: active, at: owner.end)
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

    /// What matched, for each newly raised alarm (`MatchDetails`): the `include`d fields and, where the key does
    /// not say it, the identifying fields of the latest matching document and the host when the matches name one.
    /// Fetched only for new raises and only for their keys, in the raise's own window: `top_hits` size 1 per key
    /// with `_source` limited to those fields, and a `terms` of size 2 on `host.name`. Rules asking the same
    /// question — same index, timestamp field, window, filters, key fields and fields, as threshold variants of
    /// one rule do — share one aggregation over the union of their raised keys: a key's latest document does not
    /// depend on which other keys are asked for. The fields are kept in the alarm, so its re-notifications and
    /// its clear carry them too (Alertmanager resolves an alert only with the labels it was raised with).
    private func addMatchDetails(_ results: inout [String: RuleReport], active: inout [String: [String: AlarmRecord]],
                                 rules: [Rule]) throws {
        struct Question {
            var rule: Rule
            var end: Double
            var start: Double
            var keys: [String]
            var request: MatchDetails.Request
            var raised: [String: [String: String]] = [:]  // alarm key → key fields
            var members: [String] = []
        }
        var questions: [String: Question] = [:]
        var order: [String] = []
        for rule in rules {
            let request = MatchDetails.request(for: rule)
            guard !request.isEmpty else { continue }
            let keys = QueryBuilder.groupingFields(rule)
            for e in results[rule.name]?.events ?? [] where e.state == .raised && e.notification == 1 {
                let previous = e.time - rule.runEvery
                let start = MatchLedger.applies(to: rule) ? MatchLedger.windowStart(rule, previousEnd: previous)
                    : e.time - rule.lookback(previousEnd: previous, end: e.time)
                let signature = JSONValue.array([JSONValue(rule.indices), .string(rule.timestampField), .double(start), .double(e.time),
                                                 JSONValue(rule.filters), JSONValue(keys), JSONValue(request.fields),
                                                 .bool(request.hostCheck)]).compactText
                if questions[signature] == nil {
                    questions[signature] = Question(rule: rule, end: e.time, start: start, keys: keys, request: request)
                    order.append(signature)
                }
                questions[signature]!.raised[e.key] = keys.reduce(into: [:]) { $0[$1] = e.fields[$1] }
                if !questions[signature]!.members.contains(rule.name) { questions[signature]!.members.append(rule.name) }
            }
        }
        guard !order.isEmpty else { return }
        var probes: [Probe] = []
        for signature in order {
            let q = questions[signature]!
            var filter: [JSONValue] = [QueryBuilder.range(q.rule.timestampField, q.start, q.end)]
            filter += q.rule.filters.compactMap(JSONValue.clause)
            var perKey: [String: JSONValue] = [:]
            if !q.request.fields.isEmpty {
                perKey["latest"] = ["top_hits": ["size": 1, "_source": ["includes": JSONValue(q.request.fields)],
                                                 "sort": [[q.rule.timestampField: ["order": "desc"]]]]]
            }
            if q.request.hostCheck { perKey["hosts"] = ["terms": ["field": "host.name", "size": 2]] }
            var body: [String: JSONValue] = ["size": 0]
            if q.keys.count == 1 {
                let values = Set(q.raised.values.compactMap { $0[q.keys[0]] }).sorted()
                filter.append(["terms": [q.keys[0]: JSONValue(values)]])
                body["aggs"] = ["keys": ["terms": ["field": .string(q.keys[0]), "size": .int(max(1, values.count))], "aggs": .object(perKey)]]
            } else if q.keys.count > 1 {
                // Only the raised combinations: one `bool` of terms per combination.
                let combinations: [JSONValue] = q.raised.keys.sorted().map { key in
                    ["bool": ["filter": .array(q.keys.map { ["term": [$0: .string(q.raised[key]![$0] ?? "")]] })]]
                }
                filter.append(["bool": ["should": .array(combinations), "minimum_should_match": 1]])
                body["aggs"] = ["keys": ["composite": ["size": .int(max(1, q.raised.count)), "sources": QueryBuilder.compositeSources(q.keys)],
                                         "aggs": .object(perKey)]]
            } else {
                body["aggs"] = .object(perKey)
            }
            body["query"] = ["bool": ["filter": .array(filter)]]
            probes.append(Probe(ruleName: q.members[0], purpose: .evaluate, end: q.end, start: q.start,
                                index: q.rule.indices.joined(separator: ","), body: JSONValue.object(body).compactText))
        }
        let (responses, errors) = searcher.search(probes)
        for (n, signature) in order.enumerated() {
            let q = questions[signature]!
            guard let response = responses[n] else {
                logger.warning("alarm match-details search failed; alarms are raised without the matches' fields",
                               metadata: ["rules": "\(q.members.joined(separator: ","))", "error": "\(errors[n] ?? "no answer")"])
                continue
            }
            var sources: [String: JSONValue] = [:]
            var hosts: [String: [String]] = [:]
            for g in Evaluator.groups(response, keys: q.keys) {
                if let source = g.aggs["latest"]?["hits"]?["hits"]?[0]?["_source"], source.objectValue != nil { sources[g.key] = source }
                let buckets = g.aggs["hosts"]?["buckets"]?.arrayValue ?? []
                hosts[g.key] = buckets.compactMap { $0["key"]?.plainText }
            }
            for name in q.members {
                guard var report = results[name], let rule = rules.first(where: { $0.name == name }) else { continue }
                for i in report.events.indices where report.events[i].state == .raised && report.events[i].notification == 1
                    && report.events[i].time == q.end && q.raised[report.events[i].key] != nil {
                    let raised = report.events[i]
                    let found = MatchDetails.fields(for: rule, latest: sources[raised.key], hosts: hosts[raised.key] ?? [])
                    guard !found.isEmpty else { continue }
                    let fields = raised.fields.merging(found) { _, new in new }
                    // This alarm's later events in the cycle (re-notifications, its clear) and its stored record.
                    for j in report.events.indices where report.events[j].key == raised.key && report.events[j].raisedAt == raised.raisedAt {
                        report.events[j] = AlarmText.with(fields: fields, rule, report.events[j])
                    }
                    if active[name]?[raised.key]?.raisedAt == raised.raisedAt { active[name]![raised.key]!.fields = fields }
                }
                results[name] = report
            }
        }
    }

    private func sinkSpec(id: String) -> SinkSpec? {
        rules.lazy.flatMap(\.sinks).first { Sinks.make($0).id == id }
    }

    /// What the cycle would have probed, for `--explain`.
    /// - Parameter from: a replay's start (`rules test`, whose windows end at `now` itself); nil: the next cycle's.
    public func explain(now: Double, from: Double? = nil) -> [Probe] {
        rules.flatMap { rule -> [Probe] in
            let target = from == nil ? now - rule.queryDelay : now
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
        let before = (searcher.requests, searcher.responseBytes, searcher.searches, searcher.tookMillis, searcher.probes)
        // Windows on each rule's bucket grid, so the counting rules are answered from a few bucketed searches.
        let plans = rules.map { rule -> (rule: Rule, previous: Double, ends: [Double]) in
            let (start, end) = ReplaySeries.aligned(rule, from: from, to: to)
            return (rule, start, Self.stepEnds(from: start, to: end, every: rule.runEvery))
        }
        var results = try evaluate(plans, state: &state, active: &windows, termsChanged: &changed, series: 1)
        try addMatchDetails(&results, active: &windows, rules: rules)
        aggregate(plans.map { ($0.rule, $0.ends) }, results: &results, state: &state, now: to)
        var report = CycleReport()
        report.rules = rules.compactMap { results[$0.name] }
        report.queries = searcher.requests - before.0
        report.responseBytes = searcher.responseBytes - before.1
        report.searches = searcher.searches - before.2
        report.tookMillis = searcher.tookMillis - before.3
        report.probes = searcher.probes - before.4
        return report
    }
}
