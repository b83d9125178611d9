import JSON

/// What an alarm says about the documents that raised it, beyond its key: a rule without `query_key` alarms as
/// key `all`, and "kernel-io-oom: 1 matching event(s)" does not tell a shifter which node lost a process.
/// ElastAlert's alert carries the matching document; LogBridge adds its identifying fields to the alarm.
enum MatchDetails {
    /// The fields that say where something happened and who did it, in the order an alarm names them, with the
    /// word a subject uses for each.
    static let identifying: [(field: String, label: String)] = [
        ("host.name", "host"), ("process.name", "process"), ("systemd.unit", "unit"),
        ("infologger.detector", "detector"), ("user.name", "user"), ("source.ip", "source IP"),
    ]

    /// What a newly raised alarm of `rule` asks about its matches.
    struct Request: Equatable {
        /// `_source` fields of the latest matching document: `include` and, without `query_key`, the identifying ones.
        var fields: [String]
        /// Whether to find out if the matches name one host (`host.name` is then added to the alarm).
        var hostCheck: Bool
        var isEmpty: Bool { fields.isEmpty && !hostCheck }
    }

    static func request(for rule: Rule) -> Request {
        let keys = QueryBuilder.groupingFields(rule)
        var fields = rule.include
        // A flatline alarm is about the documents that did not come: the few that did would name the wrong culprit.
        if case .flatline = rule.kind { return Request(fields: fields.sorted(), hostCheck: false) }
        // new_pattern's own search brings each new pattern's oldest document and hosts (`PatternRules`).
        if case .newPattern = rule.kind { return Request(fields: fields.sorted(), hostCheck: false) }
        // pattern_rate: the latest message of the pattern, for the alarm's template and example.
        if case .patternRate = rule.kind, !fields.contains("message") { fields.append("message") }
        if keys.isEmpty {
            for (field, _) in identifying where field != "host.name" && !fields.contains(field) { fields.append(field) }
        }
        let hostKnown = keys.contains("host.name") || rule.include.contains("host.name")
        return Request(fields: fields.sorted(), hostCheck: !hostKnown)
    }

    /// The fields the alarm gains from its latest matching document and the hosts its matches came from.
    static func fields(for rule: Rule, latest source: JSONValue?, hosts: [String]) -> [String: String] {
        var out: [String: String] = [:]
        let keys = QueryBuilder.groupingFields(rule)
        if let source {
            for field in rule.include {
                if let v = DocumentFields.value(source, path: field) { out[field] = v.plainText }
            }
            if case .patternRate = rule.kind, let message = DocumentFields.value(source, path: "message")?.plainText {
                out[PatternRules.exampleField] = message
                out[PatternRules.templateField] = PatternRules.template(of: message)
            }
            if keys.isEmpty, rule.kind.typeName != "flatline", rule.kind.typeName != "new_pattern" {
                for (field, _) in identifying where field != "host.name" {
                    if let v = DocumentFields.value(source, path: field) { out[field] = v.plainText }
                }
            }
        }
        if hosts.count == 1, !keys.contains("host.name"), !rule.include.contains("host.name") { out["host.name"] = hosts[0] }
        return out
    }

    /// "host flp004, process kernel": the identifying fields of an alarm that its key does not already say.
    static func culprit(_ fields: [String: String], keyFields: [String]) -> String {
        identifying.compactMap { field, label in
            guard !keyFields.contains(field), let value = fields[field], !value.isEmpty else { return nil }
            return label + " " + value
        }.joined(separator: ", ")
    }
}
