/// Reports owns `logbridge report`'s content: the figures of one period [from, to) read back from the cluster
/// (volume, errors, silent hosts, alarms, new patterns, InfoLogger, dead letters, the shippers' own health per
/// host), each compared with the
/// previous period of equal length, and the three renderings of that one value (JSON, Markdown, HTML).
///
/// The figures are plain values (`Report`) so that every renderer shows the same numbers and the tests compare
/// the JSON against the data they loaded. Reading is `ReportReader` (two `_msearch` requests); links into the
/// saved dashboards are `DashboardLink`; rendering is `ReportJSON`, `ReportMarkdown`, `ReportHTML`, and the PDF is
/// that HTML printed by an installed Chromium (`HeadlessChromium`); the e-mail of `report --mail` is `ReportMail`
/// (the MIME message) sent by `SMTPDelivery` (libcurl's SMTP).
/// Foundation's JSON is fine here: a handful of responses per report, nothing per event.

/// One report: the period, and one section per kind of figure. A section that could not be read says so
/// (`status` and `note`) instead of being left empty.
public struct Report: Sendable, Codable, Equatable {
    public var period: PeriodInfo
    public var volume: Section<Volume>
    public var errors: Section<Errors>
    public var hosts: Section<HostHealth>
    public var alarms: Section<AlarmSummary>
    public var newPatterns: Section<[NewPattern]>
    public var infologger: Section<InfoLoggerSummary>
    public var deadLetters: Section<DeadLetters>
    public var shipper: Section<ShipperHealth>
    /// How many HTTP requests the report cost the cluster.
    public var requests: Int

    enum CodingKeys: String, CodingKey {
        case period, volume, errors, hosts, alarms, infologger, requests, shipper
        case newPatterns = "new_patterns", deadLetters = "dead_letters"
    }

    /// The sections in the order every renderer shows them, with their titles.
    public var sectionStatuses: [(name: String, status: SectionStatus, note: String?)] {
        [("volume", volume.status, volume.note), ("errors", errors.status, errors.note), ("hosts", hosts.status, hosts.note),
         ("alarms", alarms.status, alarms.note), ("new_patterns", newPatterns.status, newPatterns.note),
         ("infologger", infologger.status, infologger.note), ("dead_letters", deadLetters.status, deadLetters.note),
         ("shipper", shipper.status, shipper.note)]
    }

    /// Sections the cluster did not answer for (missing indices and empty periods are answers).
    public var unreadableSections: [String] {
        sectionStatuses.filter { $0.status == .unreadable }.map(\.name)
    }
}

extension Report {
    /// A report stored before the `shipper` section existed (`logbridge report show` of an older report) reads
    /// with that section marked as not in it, instead of failing to read at all.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        period = try c.decode(PeriodInfo.self, forKey: .period)
        volume = try c.decode(Section<Volume>.self, forKey: .volume)
        errors = try c.decode(Section<Errors>.self, forKey: .errors)
        hosts = try c.decode(Section<HostHealth>.self, forKey: .hosts)
        alarms = try c.decode(Section<AlarmSummary>.self, forKey: .alarms)
        newPatterns = try c.decode(Section<[NewPattern]>.self, forKey: .newPatterns)
        infologger = try c.decode(Section<InfoLoggerSummary>.self, forKey: .infologger)
        deadLetters = try c.decode(Section<DeadLetters>.self, forKey: .deadLetters)
        shipper = try c.decodeIfPresent(Section<ShipperHealth>.self, forKey: .shipper)
            ?? .failed(.missingIndex, "not in this stored report: it was written by a version without the shipper health section")
        requests = try c.decode(Int.self, forKey: .requests)
    }
}

public enum SectionStatus: String, Sendable, Codable, Equatable {
    /// Read, and there is something to show.
    case ok
    /// Read: the indices exist but hold nothing for the period.
    case empty
    /// No index matches the section's pattern (e.g. no alarm was ever written).
    case missingIndex = "missing_index"
    /// The cluster failed to answer (down, refused, an error for this search).
    case unreadable
}

public struct Section<Body: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public var status: SectionStatus
    /// Why a section is empty, missing or unreadable, in words a shifter can act on.
    public var note: String?
    public var data: Body?

    public init(status: SectionStatus, note: String? = nil, data: Body? = nil) {
        self.status = status; self.note = note; self.data = data
    }

    public static func failed(_ status: SectionStatus, _ note: String) -> Section { Section(status: status, note: note) }
}

public struct PeriodInfo: Sendable, Codable, Equatable {
    public var from: String
    public var to: String
    public var previousFrom: String
    public var previousTo: String
    /// Where "the last part of the period" starts: the silent-host rule looks at [tailFrom, to).
    public var tailFrom: String
    public var generatedAt: String
    /// Width of the time buckets of the charts, and their start times.
    public var bucketSeconds: Int
    public var buckets: [String]

    enum CodingKeys: String, CodingKey {
        case from, to, buckets
        case previousFrom = "previous_from", previousTo = "previous_to", tailFrom = "tail_from"
        case generatedAt = "generated_at", bucketSeconds = "bucket_seconds"
    }
}

/// A count in this period beside the previous one.
public struct Item: Sendable, Codable, Equatable {
    public var key: String
    public var count: Int
    public var previous: Int
    public var link: DashboardLink?

    public init(key: String, count: Int, previous: Int, link: DashboardLink? = nil) {
        self.key = key; self.count = count; self.previous = previous; self.link = link
    }

    public var change: Int { count - previous }
    /// nil when there was nothing before (a change from 0 has no percentage).
    public var changePercent: Double? {
        previous == 0 ? nil : (Double(count - previous) * 1000 / Double(previous)).rounded() / 10
    }

    enum CodingKeys: String, CodingKey { case key, count, previous, change, link, changePercent = "change_pct" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        count = try c.decode(Int.self, forKey: .count)
        previous = try c.decode(Int.self, forKey: .previous)
        link = try c.decodeIfPresent(DashboardLink.self, forKey: .link)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        try c.encode(count, forKey: .count)
        try c.encode(previous, forKey: .previous)
        try c.encode(change, forKey: .change)
        if let changePercent { try c.encode(changePercent, forKey: .changePercent) } else { try c.encodeNil(forKey: .changePercent) }
        try c.encodeIfPresent(link, forKey: .link)
    }
}

/// One line per bucket of `PeriodInfo.buckets`.
public struct Series: Sendable, Codable, Equatable {
    public var key: String
    public var counts: [Int]
}

public struct Volume: Sendable, Codable, Equatable {
    public var total: Item
    public var datasets: [Item]
    public var hosts: [Item]
    /// Documents per dataset per bucket.
    public var overTime: [Series]

    enum CodingKeys: String, CodingKey { case total, datasets, hosts, overTime = "over_time" }
}

public struct Errors: Sendable, Codable, Equatable {
    /// `log.level` in emerg, alert, crit, err.
    public var total: Item
    public var levels: [Item]
    public var topHosts: [Item]
    /// `systemd.unit`, else `process.name`, else `log.syslog.appname`; `field` says which.
    public var topServices: [Service]
    public var topMessages: [Message]
    /// Errors per host per bucket, for every host with errors (the heat strip).
    public var perHostOverTime: [Series]

    enum CodingKeys: String, CodingKey {
        case total, levels
        case topHosts = "top_hosts", topServices = "top_services", topMessages = "top_messages", perHostOverTime = "per_host_over_time"
    }
}

public struct Service: Sendable, Codable, Equatable {
    public var field: String
    public var item: Item
}

public struct Message: Sendable, Codable, Equatable {
    /// `log.pattern.id`.
    public var item: Item
    /// From the pattern catalogue; nil when the catalogue does not know the id.
    public var template: String?
}

public struct HostHealth: Sendable, Codable, Equatable {
    public var silent: [SilentHost]
    public var cameBack: [SilentHost]
    public var errorRate: [ErrorRateHost]
    /// The rules, in words, so a reader knows what "silent" and "far above" mean here.
    public var rules: [String]

    enum CodingKeys: String, CodingKey { case silent, rules, cameBack = "came_back", errorRate = "error_rate" }
}

public struct SilentHost: Sendable, Codable, Equatable {
    public var host: String
    /// Documents in the previous period and in this one.
    public var previous: Int
    public var count: Int
    /// The host's latest document in the period, if any.
    public var lastSeen: String?
    public var link: DashboardLink?

    enum CodingKeys: String, CodingKey { case host, previous, count, link, lastSeen = "last_seen" }
}

public struct ErrorRateHost: Sendable, Codable, Equatable {
    public var host: String
    public var documents: Int
    public var errors: Int
    /// errors / documents, and the farm's (all hosts) for comparison; ratio = rate / farm rate.
    public var rate: Double
    public var farmRate: Double
    public var ratio: Double
    public var link: DashboardLink?

    enum CodingKeys: String, CodingKey { case host, documents, errors, rate, ratio, link, farmRate = "farm_rate" }
}

public struct AlarmSummary: Sendable, Codable, Equatable {
    public var rules: [AlarmRuleSummary]
    public var episodes: [AlarmEpisode]
}

public struct AlarmRuleSummary: Sendable, Codable, Equatable {
    public var rule: String
    public var raised: Int
    public var cleared: Int
    public var activeAtEnd: Int
    public var renotifications: Int
    public var link: DashboardLink?

    enum CodingKeys: String, CodingKey { case rule, raised, cleared, renotifications, link, activeAtEnd = "active_at_end" }
}

/// One alarm from raise to clear for a rule and key, as far as it overlaps the period.
public struct AlarmEpisode: Sendable, Codable, Equatable {
    public var rule: String
    public var key: String
    public var severity: String
    public var raisedAt: String
    public var clearedAt: String?
    public var raisedInPeriod: Bool
    public var clearedInPeriod: Bool
    public var activeAtEnd: Bool
    /// Raise to clear, or raise to the period's end while still active.
    public var durationSeconds: Double
    /// Raise to clear, for alarms cleared in the period.
    public var timeToClearSeconds: Double?
    /// Re-notifications sent within the period (notification ≥ 2).
    public var renotifications: Int
    public var link: DashboardLink?

    enum CodingKeys: String, CodingKey {
        case rule, key, severity, renotifications, link
        case raisedAt = "raised_at", clearedAt = "cleared_at", raisedInPeriod = "raised_in_period"
        case clearedInPeriod = "cleared_in_period", activeAtEnd = "active_at_end", durationSeconds = "duration_seconds"
        case timeToClearSeconds = "time_to_clear_seconds"
    }
}

public struct NewPattern: Sendable, Codable, Equatable {
    public var id: String
    public var template: String
    public var firstSeen: String
    public var hosts: Int
    /// Messages of the pattern in the period (from the log indices, not the catalogue's cumulative count).
    public var count: Int
    public var link: DashboardLink?

    enum CodingKeys: String, CodingKey { case id, template, hosts, count, link, firstSeen = "first_seen" }
}

public struct InfoLoggerSummary: Sendable, Codable, Equatable {
    public var severities: [Item]
    public var detectors: [Detector]
}

public struct Detector: Sendable, Codable, Equatable {
    public var item: Item
    /// `infologger.severity` letter → count in the period.
    public var severities: [String: Int]
}

public struct DeadLetters: Sendable, Codable, Equatable {
    public var total: Item
    public var inputs: [Item]
    public var errorTypes: [Item]

    enum CodingKeys: String, CodingKey { case total, inputs, errorTypes = "error_types" }
}

/// The shippers' own health from their periodic health documents (`logbridge-health-*`, one per input and
/// `health.interval`): farm totals against the previous period, and the hosts worth a look.
public struct ShipperHealth: Sendable, Codable, Equatable {
    /// Over every sample of the period (and the previous one): `hosts` reporting, events `received`, `indexed`,
    /// `dead_lettered`, `dropped`, `malformed`.
    public var totals: [Item]
    /// The worst `lag_seconds` of any sample; nil when no sample carried one.
    public var maxLagSeconds: Double?
    public var previousMaxLagSeconds: Double?
    /// Hosts with a finding (`flags`), then the few others with the largest lag; see `rules`.
    public var hosts: [ShipperHost]
    /// The rules, in words, so a reader knows what is listed and why.
    public var rules: [String]

    enum CodingKeys: String, CodingKey {
        case totals, hosts, rules, maxLagSeconds = "max_lag_seconds", previousMaxLagSeconds = "previous_max_lag_seconds"
    }
}

public struct ShipperHost: Sendable, Codable, Equatable {
    public var host: String
    /// Why the host is listed: `dropped`, `dead_lettered`, `lag`, `stopped`; empty for a host listed for its lag rank only.
    public var flags: [String]
    /// The worst `lag_seconds` of its samples in the period; nil when it sent none in the period.
    public var maxLagSeconds: Double?
    /// Its latest sample in the period, else in the previous period (a shipper that stopped before this one).
    public var lastSample: String?
    /// Sums over its samples of the period.
    public var received: Int
    public var deadLettered: Int
    public var dropped: Int
    public var malformed: Int
    public var link: DashboardLink?

    enum CodingKeys: String, CodingKey {
        case host, flags, received, dropped, malformed, link
        case maxLagSeconds = "max_lag_seconds", lastSample = "last_sample", deadLettered = "dead_lettered"
    }
}
