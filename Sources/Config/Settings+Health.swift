/// `health:` — the shipper's own health, written to the cluster as documents (`logbridge-health-YYYY.MM`), one
/// per input every `interval`: what it read, acknowledged, dropped and dead-lettered, and its lag. `/metrics`
/// says the same to whoever scrapes the node; these documents are what `logbridge report` and the dashboards
/// read, for every host at once and for periods when nobody was scraping. Schema: docs/reliability.md.
/// On by default.
public struct HealthSettings: Sendable, Equatable {
    public var enabled = true
    /// Seconds between samples. 60 s: 200 hosts × 3 inputs are 10 small documents a second for the farm.
    public var intervalSeconds: Double = 60

    public init() {}
}
