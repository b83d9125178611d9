/// Subjects and texts: ElastAlert's `alert_subject`/`alert_text` with `{0}`-style arguments taken from the alarm's
/// key fields, included fields, or `rule`, `key`, `value`, `reason`, `severity`.
enum AlarmText {
    static func event(_ rule: Rule, _ record: AlarmRecord, _ state: AlarmEvent.State, at time: Double) -> AlarmEvent {
        // The key, then what the matches say that the key does not (`MatchDetails`): "kernel-io-oom: host flp004,
        // process kernel: 1 matching event(s)", "infologger-fatal: TPC (host flp001): …".
        let culprit = MatchDetails.culprit(record.fields, keyFields: QueryBuilder.groupingFields(rule))
        let key = keyLabel(rule, key: record.key, fields: record.fields)
        let named = record.key == Rule.wholeRuleKey ? culprit : culprit.isEmpty ? key : key + " (" + culprit + ")"
        let defaultSubject = "\(rule.name): \(named.isEmpty ? "" : named + ": ")\(record.reason)"
        let subject = rule.alertSubject.map { format($0, args: rule.alertSubjectArgs, rule: rule, record: record) } ?? defaultSubject
        var text = rule.alertText.map { format($0, args: rule.alertTextArgs, rule: rule, record: record) } ?? rule.description
        if text.isEmpty { text = record.reason }
        var subjectText = subject
        switch rule.kind {
        case .newPattern, .patternRate:
            // A shifter reads templates and examples, not 16-digit ids: the default text adds them, and a rate
            // alarm's default subject names its template once it is known (`MatchDetails`).
            if rule.alertText == nil { text += "\n" + PatternRules.detailLines(record.fields) }
            if rule.alertSubject == nil, case .patternRate = rule.kind, let t = record.fields[PatternRules.templateField] {
                subjectText += " (template: " + PatternRules.cut(t) + ")"
            }
        default: break
        }
        let prefix = state == .cleared ? "[cleared] " : ""
        return AlarmEvent(state: state, rule: rule.name, key: record.key, fields: record.fields, severity: record.severity,
                          time: time, raisedAt: record.raisedAt, value: state == .cleared ? 0 : record.value,
                          subject: prefix + subjectText, text: text, notification: record.notifications, reason: record.reason)
    }

    /// The event again once what matched is known (`include`d and identifying fields): fields, subject and text.
    static func with(fields: [String: String], _ rule: Rule, _ event: AlarmEvent) -> AlarmEvent {
        let record = AlarmRecord(rule: event.rule, key: event.key, fields: fields, severity: event.severity,
                                 raisedAt: event.raisedAt, lastNotified: event.time, notifications: event.notification,
                                 value: event.value, reason: event.reason ?? "")
        var out = AlarmText.event(rule, record, event.state, at: event.time)
        out.value = event.value
        return out
    }

    /// How an alarm's key reads in subjects and texts. A composite key (several grouping fields: `query_key`
    /// lists, `new_term`'s `fields`) is its values joined by `/` in field-name order, e.g. `321/src/TaskRunner.cxx/o2-qc`,
    /// which no one can read back (which part is the file, and where does a path end?); it reads
    /// `process.name=o2-qc, log.origin.file.name=src/TaskRunner.cxx, log.origin.file.line=321`, in the rule's
    /// field order. Only the text: the key stays the alarm's identity in the state, the history, Alertmanager's
    /// `key` label and InfluxDB's `key` tag, so existing alarms still match.
    static func keyLabel(_ rule: Rule, key: String, fields: [String: String]) -> String {
        let keyFields = QueryBuilder.groupingFields(rule)
        guard keyFields.count > 1 else { return key }
        var values: [String: String] = [:]
        for f in keyFields { guard let v = fields[f] else { return key }; values[f] = v }
        guard Evaluator.keyText(values) == key else { return key }
        return keyFields.map { $0 + "=" + values[$0]! }.joined(separator: ", ")
    }

    /// A count or value as alert text writes it: `12`, not `12.0`; `0.75` as it is.
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func format(_ template: String, args: [String], rule: Rule, record: AlarmRecord) -> String {
        let values = args.map { arg -> String in
            switch arg {
            case "rule", "name": return record.rule
            case "key": return keyLabel(rule, key: record.key, fields: record.fields)
            case "value", "num_hits", "num_matches": return number(record.value)
            case "reason": return record.reason
            case "severity": return record.severity
            default: return record.fields[arg] ?? "<\(arg) missing>"
            }
        }
        var out = "", index = 0, slot = "", inSlot = false
        for c in template {
            if inSlot {
                if c == "}" {
                    let i = Int(slot) ?? index
                    out += i < values.count ? values[i] : "{\(slot)}"
                    index += 1; inSlot = false; slot = ""
                } else { slot.append(c) }
            } else if c == "{" { inSlot = true } else { out.append(c) }
        }
        return out
    }
}
