/// What the alarm job knows between runs, read from and written to `logbridge-alarms-state` in one request each.
public struct AlarmState: Sendable {
    public struct Progress: Sendable, Equatable {
        public var lastEnd: Double?
        public var owner: String?
        public var leaseUntil: Double
        /// Optimistic concurrency of the rule document: a lease is taken by writing it back unchanged elsewhere.
        public var seqNo: Int?
        public var primaryTerm: Int?
    }

    public struct Silence: Sendable, Equatable {
        public var rule: String
        /// nil silences every key of the rule.
        public var key: String?
        public var until: Double
        public func covers(_ rule: String, _ key: String, at time: Double) -> Bool {
            self.rule == rule && (self.key == nil || self.key == key) && time < until
        }
    }

    public var progress: [String: Progress] = [:]
    /// Rule → key → alarm.
    public var active: [String: [String: AlarmRecord]] = [:]
    public var silences: [Silence] = []
    /// Rule → terms seen (`new_term`) or `key=value` last seen (`change`).
    public var terms: [String: Set<String>] = [:]
    /// Rule → matching documents already counted per key and bucket (`any`, `blacklist`, `whitelist`).
    var ledgers: [String: MatchLedger] = [:]
    /// Rule → its open aggregation periods (`Aggregation`): notifications held until their summary is due.
    var aggregations: [String: [AggregationGroup]] = [:]
    /// Sink id → events not yet delivered.
    public var pending: [String: [AlarmEvent]] = [:]
    /// Rule → ids of one-document-per-alarm state written by earlier versions; replaced by the rule's
    /// `alarms:` document the next time the rule runs.
    var legacyAlarmIDs: [String: [String]] = [:]

    public init() {}

    public func isSilenced(_ rule: String, _ key: String, at time: Double) -> Bool {
        silences.contains { $0.covers(rule, key, at: time) }
    }

    static func ruleID(_ rule: String) -> String { "rule:" + rule }
    /// All active alarms of a rule in one document: a cycle rewrites one document per rule whose alarms changed,
    /// not one per alarm (a first cycle raising 1,400 alarms wrote 1,400 state documents beside the history).
    static func alarmsID(_ rule: String) -> String { "alarms:" + rule }
    static func silenceID(_ rule: String, _ key: String?) -> String { "silence:\(rule):\(key ?? "*")" }
    static func termsID(_ rule: String) -> String { "terms:" + rule }
    static func pendingID(_ sink: String) -> String { "pending:" + sink }
    static func ledgerID(_ rule: String) -> String { "ledger:" + rule }
    static func aggregationID(_ rule: String) -> String { "aggregation:" + rule }
}
