/// `reports:` — what `logbridge report --shift` needs to know of the farm's shifts (docs/reports.md).
public struct ReportSettings: Sendable, Equatable {
    /// When shifts start, as minutes after local midnight, ascending. Default: 00:00, 08:00 and 16:00, the
    /// three eight-hour shifts of the ALICE control room.
    public var shiftStarts: [Int] = [0, 8 * 60, 16 * 60]
    /// The zone the shift times are in (IANA name, e.g. `Europe/Zurich`); nil: the machine's own.
    public var timeZone: String?
    /// `reports.webhook`: where `report --post` sends the report (ReportWebhookSection.swift); nil when not set.
    public var webhook: ReportWebhookSettings?
    /// `reports.email`: where `report --mail` sends the report; nil: not configured (Settings+ReportEmail.swift).
    public var email: ReportEmailSettings?

    public init() {}
}
