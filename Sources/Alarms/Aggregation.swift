import JSON

/// ElastAlert's `aggregation`: a rule's notifications grouped into one summary per period, ElastAlert users' usual
/// cure for alert floods (a frequency rule over 200 hosts raising 40 alarms at once would otherwise send 40
/// webhook posts).
///
/// Only the notification sinks are grouped — webhook/Mattermost, `command`, InfoLogger. The state sinks (O²
/// monitoring's line protocol, Alertmanager) keep getting each key's raise and clear as it happens, because they
/// hold a monitoring state per key that must stay exact (an Alertmanager alert or an InfluxDB series per host),
/// and the alarm index keeps every event too. A period opens with the first event it holds (at that window's
/// end) and ends `aggregation` later, as ElastAlert times it from the first match; the summary is sent by the
/// first run whose window ends at or after that, and an event of that window opens the next period. With
/// `aggregation_key` each value of that alarm field has its own periods and summaries.
///
/// The open periods are state like the alarms: `aggregation:<rule>` in `logbridge-alarms-state`, written with the
/// rule's progress in the same cycle, so a restart (or another instance taking the rule over) neither loses nor
/// re-sends a period; a summary whose sink fails is kept as that sink's pending event like any other.
public struct AggregationGroup: Sendable, Codable, Equatable {
    /// The `aggregation_key` value; empty without one.
    var key: String
    /// The end of the window whose event opened the period.
    var opened: Double
    /// When the summary is due: `opened` + `aggregation`.
    var due: Double
    /// Events held, cleared ones included.
    var total: Int
    /// Summary table rows: the `summary_table_fields` values of raised events and how many there were.
    var rows: [Row]
    /// The first `Aggregation.keptEvents` events held, oldest first.
    var events: [AlarmEvent]

    struct Row: Sendable, Codable, Equatable {
        var values: [String]
        var count: Int
    }
}

enum Aggregation {
    /// Events kept per period for the summary's listing and `pipe_match_json` (the count and the table cover all).
    static let keptEvents = 200
    /// Events listed one per line in a summary's text.
    static let listedEvents = 50
    /// Keys named in a summary's default subject.
    static let subjectKeys = 5

    /// One window of a rule: the summaries of the periods due by `end` (oldest first), then this window's events
    /// held. A rule whose `aggregation` was removed sends what it still held.
    static func step(_ rule: Rule, groups: inout [AggregationGroup], events: [AlarmEvent], at end: Double) -> [AlarmEvent] {
        var summaries: [AlarmEvent] = []
        var open: [AggregationGroup] = []
        for g in groups.sorted(by: { ($0.opened, $0.key) < ($1.opened, $1.key) }) {
            if rule.aggregation == nil || g.due <= end { summaries.append(summary(rule, g, at: end)) } else { open.append(g) }
        }
        groups = open
        guard let spec = rule.aggregation else { return summaries }
        for e in events {
            let key = spec.key.map { value(e, $0) } ?? ""
            let i: Int
            if let found = groups.firstIndex(where: { $0.key == key }) { i = found } else {
                groups.append(AggregationGroup(key: key, opened: end, due: end + spec.period, total: 0, rows: [], events: []))
                i = groups.count - 1
            }
            groups[i].total += 1
            if groups[i].events.count < keptEvents { groups[i].events.append(e) }
            if e.state == .raised, !spec.tableFields.isEmpty {
                let values = spec.tableFields.map { value(e, $0) }
                if let r = groups[i].rows.firstIndex(where: { $0.values == values }) { groups[i].rows[r].count += 1 }
                else { groups[i].rows.append(.init(values: values, count: 1)) }
            }
        }
        return summaries
    }

    /// An alarm field for `aggregation_key` and `summary_table_fields`: the alarm's fields (key fields, `include`d and
    /// identifying ones), or `rule`, `key`, `state`, `severity`, `num_hits`/`value`, `subject`; missing reads
    /// `<MISSING VALUE>`, as ElastAlert's command alerter writes it.
    static func value(_ e: AlarmEvent, _ field: String) -> String {
        switch field {
        case "rule", "name": return e.rule
        case "key": return e.key
        case "state": return e.state.rawValue
        case "severity": return e.severity
        case "num_hits", "value": return AlarmText.number(e.value)
        case "subject": return e.subject
        default: return e.fields[field] ?? "<MISSING VALUE>"
        }
    }

    /// The one notification standing for a period's events.
    static func summary(_ rule: Rule, _ g: AggregationGroup, at end: Double) -> AlarmEvent {
        let raised = g.events.filter { $0.state == .raised }
        // Fields every held event agrees on (the aggregation key's field, a host they all came from).
        var fields = g.events.first?.fields ?? [:]
        for e in g.events.dropFirst() { fields = fields.filter { e.fields[$0.key] == $0.value } }
        if let field = rule.aggregation?.key { fields[field] = g.key }
        var keys: [String] = []
        for e in g.events where !keys.contains(e.key) { keys.append(e.key) }
        let labels = keys.map { key in AlarmText.keyLabel(rule, key: key, fields: g.events.first { $0.key == key }?.fields ?? [:]) }
        let span = Evaluator.formatSpan(rule.aggregation?.period ?? (end - g.opened))
        let reason = "\(g.total) alarm event(s) for \(keys.count) key(s) in \(span)"
        var subject: String
        if rule.alertSubject != nil, let first = raised.first ?? g.events.first {
            subject = first.subject   // ElastAlert titles an aggregated alert with its first match's subject
        } else {
            let named = labels.prefix(subjectKeys).joined(separator: "; ")
            subject = "\(rule.name): " + (g.key.isEmpty ? "" : g.key + ": ") + reason + (named.isEmpty ? "" : ": " + named)
                + (labels.count > subjectKeys ? " (+\(labels.count - subjectKeys) more)" : "")
        }
        if raised.isEmpty, !subject.hasPrefix("[cleared] ") { subject = "[cleared] " + subject }
        var text = table(rule.aggregation, g)
        for e in g.events.prefix(listedEvents) { text += "- " + e.subject + "\n" }
        if g.total > listedEvents { text += "… and \(g.total - listedEvents) more alarm event(s)\n" }
        if text.hasSuffix("\n") { text.removeLast() }
        return AlarmEvent(state: raised.isEmpty ? .cleared : .raised, rule: rule.name, key: g.key.isEmpty ? Rule.wholeRuleKey : g.key,
                          fields: fields, severity: rule.severity.rawValue, time: end, raisedAt: g.opened,
                          value: Double(g.total), subject: subject, text: text, notification: 1, reason: reason,
                          aggregated: g.events)
    }

    /// ElastAlert's summary: the prefix, its header line, the table of `summary_table_fields` with a count column
    /// (most frequent rows first), "Showing top N rows" when cut, the suffix.
    static func table(_ spec: AggregationSpec?, _ g: AggregationGroup) -> String {
        guard let spec, !spec.tableFields.isEmpty else { return "" }
        var out = spec.prefix.isEmpty ? "" : spec.prefix + "\n"
        let header = spec.tableFields + ["count"]
        out += "Aggregation resulted in the following data for summary_table_fields ==> ["
            + header.map { "'" + $0 + "'" }.joined(separator: ", ") + "]:\n\n"
        var rows = g.rows.enumerated().sorted { ($1.element.count, $0.offset) < ($0.element.count, $1.offset) }.map(\.element)
        if let max = spec.maxRows { rows = Array(rows.prefix(max)) }
        let cells = rows.map { $0.values + [String($0.count)] }
        switch spec.tableType {
        case .markdown:
            out += "| " + header.joined(separator: " | ") + " |\n"
            out += String(repeating: "|-----", count: header.count) + "|\n"
            for row in cells { out += "| " + row.joined(separator: " | ") + " |\n" }
        case .ascii:
            let widths = header.indices.map { c in ([header[c]] + cells.map { $0[c] }).map(\.count).max() ?? 0 }
            let rule = "+" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "+\n"
            func line(_ row: [String]) -> String {
                "|" + row.enumerated().map { " " + $1 + String(repeating: " ", count: widths[$0] - $1.count) + " " }.joined(separator: "|") + "|\n"
            }
            out += rule + line(header) + rule.replacingOccurrences(of: "-", with: "=")
            for row in cells { out += line(row) }
            out += rule
        }
        out += "\n"
        if let max = spec.maxRows { out += "Showing top \(max) rows\n" }
        if !spec.suffix.isEmpty { out += spec.suffix + "\n" }
        return out + "\n"
    }

    // MARK: Stored form (`aggregation:<rule>` in the state index)

    static func document(_ rule: String, _ groups: [AggregationGroup]) -> JSONValue {
        ["kind": "aggregation", "rule": .string(rule), "groups": .array(groups.map { g -> JSONValue in
            ["key": .string(g.key), "opened": .double(g.opened), "due": .double(g.due), "total": .int(g.total),
             "rows": .array(g.rows.map { ["values": JSONValue($0.values), "count": .int($0.count)] }),
             "events": .array(g.events.map(StateStore.object))]
        })]
    }
}
