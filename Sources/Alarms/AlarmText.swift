/// Subjects and texts: ElastAlert's `alert_subject`/`alert_text` with `{0}`-style arguments taken from the alarm's
/// key fields, included fields, or `rule`, `key`, `value`, `reason`, `severity`.
enum AlarmText {
    static func event(_ rule: Rule, _ record: AlarmRecord, _ state: AlarmEvent.State, at time: Double) -> AlarmEvent {
        let defaultSubject = "\(rule.name): \(record.key == Rule.wholeRuleKey ? "" : record.key + ": ")\(record.reason)"
        let subject = rule.alertSubject.map { format($0, args: rule.alertSubjectArgs, record: record) } ?? defaultSubject
        var text = rule.alertText.map { format($0, args: rule.alertTextArgs, record: record) } ?? rule.description
        if text.isEmpty { text = record.reason }
        let prefix = state == .cleared ? "[cleared] " : ""
        return AlarmEvent(state: state, rule: rule.name, key: record.key, fields: record.fields, severity: record.severity,
                          time: time, raisedAt: record.raisedAt, value: state == .cleared ? 0 : record.value,
                          subject: prefix + subject, text: text, notification: record.notifications)
    }

    /// Subject and text again once `include`d fields are known.
    static func withIncludes(_ rule: Rule, _ event: AlarmEvent) -> AlarmEvent {
        let record = AlarmRecord(rule: event.rule, key: event.key, fields: event.fields, severity: event.severity,
                                 raisedAt: event.raisedAt, lastNotified: event.time, notifications: event.notification,
                                 value: event.value, reason: String(event.subject.split(separator: ": ").last ?? ""))
        var out = event
        if let s = rule.alertSubject { out.subject = format(s, args: rule.alertSubjectArgs, record: record) }
        if let t = rule.alertText { out.text = format(t, args: rule.alertTextArgs, record: record) }
        return out
    }

    static func format(_ template: String, args: [String], record: AlarmRecord) -> String {
        let values = args.map { arg -> String in
            switch arg {
            case "rule", "name": return record.rule
            case "key": return record.key
            case "value", "num_hits", "num_matches": return record.value == record.value.rounded() ? String(Int(record.value)) : String(record.value)
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
