/// An alarm that is raised now for one rule and key, as stored in `logbridge-alarms-state`.
public struct AlarmRecord: Sendable, Codable, Equatable {
    public var rule: String
    public var key: String
    public var fields: [String: String]
    public var severity: String
    public var raisedAt: Double
    public var lastNotified: Double
    public var notifications: Int
    public var value: Double
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case rule, key, fields, severity, value, reason, notifications
        case raisedAt = "raised_at", lastNotified = "last_notified"
    }
}

/// One thing sinks are told: an alarm raised (again) or cleared.
public struct AlarmEvent: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case raised, cleared }
    public var state: State
    public var rule: String
    public var key: String
    public var fields: [String: String]
    public var severity: String
    /// When the condition was evaluated (the window's end).
    public var time: Double
    public var raisedAt: Double
    public var value: Double
    public var subject: String
    public var text: String
    /// Re-notifications count from 2; 1 is the first raise.
    public var notification: Int
    /// Why the condition holds ("3 matching event(s)"); absent in events stored by earlier versions.
    public var reason: String?
    /// An aggregation summary (`Aggregation`): the alarm events it stands for, oldest first (at most
    /// `Aggregation.keptEvents`); nil for an alarm's own event.
    public var aggregated: [AlarmEvent]? = nil
    public var host: String? { fields["host.name"] }

    enum CodingKeys: String, CodingKey {
        case state, rule, key, fields, severity, time, value, subject, text, notification, reason, aggregated
        case raisedAt = "raised_at"
    }
}

/// Raise, re-notify and clear, from one evaluation's findings. A pure function of its inputs so that
/// `rules test`, catch-up steps and the live job share it.
public enum AlarmLifecycle {
    public struct Outcome {
        public var active: [String: AlarmRecord]
        public var events: [AlarmEvent]
    }

    public static func apply(_ rule: Rule, findings: [Finding], active: [String: AlarmRecord], at time: Double) -> Outcome {
        var next: [String: AlarmRecord] = [:]
        var events: [AlarmEvent] = []
        for finding in findings {
            if var record = active[finding.key] {
                record.value = finding.value
                record.reason = finding.reason
                if time - record.lastNotified >= realertInterval(rule, after: record.notifications) {
                    record.notifications += 1
                    record.lastNotified = time
                    events.append(AlarmText.event(rule, record, .raised, at: time))
                }
                next[finding.key] = record
            } else {
                let fields = finding.fields.isEmpty ? (active[finding.key]?.fields ?? [:]) : finding.fields
                let record = AlarmRecord(rule: rule.name, key: finding.key, fields: fields, severity: rule.severity.rawValue,
                                         raisedAt: time, lastNotified: time, notifications: 1, value: finding.value,
                                         reason: finding.reason)
                next[finding.key] = record
                events.append(AlarmText.event(rule, record, .raised, at: time))
            }
        }
        for (key, record) in active where next[key] == nil {
            var cleared = record
            cleared.reason = "condition no longer holds"
            events.append(AlarmText.event(rule, cleared, .cleared, at: time))
        }
        return Outcome(active: next, events: events)
    }

    /// `realert`, doubled after each re-notification up to `exponential_realert`, as ElastAlert does.
    static func realertInterval(_ rule: Rule, after notifications: Int) -> Double {
        guard let cap = rule.exponentialRealert else { return rule.realert }
        let factor = pow2(max(0, notifications - 1))
        return min(cap, rule.realert * factor)
    }

    private static func pow2(_ n: Int) -> Double { n >= 60 ? .greatestFiniteMagnitude : Double(1 << n) }
}
