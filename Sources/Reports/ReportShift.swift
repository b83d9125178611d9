import Foundation

/// Shift boundaries: which period `logbridge report --shift` covers.
public enum ReportShift {
    /// The last shift that has ended at `now`: from the shift start before the latest one up to the latest one
    /// (a report sent at a shift change covers the shift just handed over). `starts` are minutes after local
    /// midnight in `timeZone`, ascending. Boundaries are local wall-clock times, so across a daylight-saving
    /// change a night shift is an hour shorter or longer, as on the control room's clock.
    public static func lastEnded(now: Double, starts: [Int], timeZone: TimeZone) -> (start: Double, end: Double) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: Date(timeIntervalSince1970: now))
        var boundaries: [Double] = []
        for dayOffset in -2...0 {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: today) else { continue }
            for minutes in starts {
                // Components, not seconds since midnight: 08:00 stays 08:00 on a day that is 23 or 25 hours long.
                if let t = calendar.date(bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: day) {
                    boundaries.append(t.timeIntervalSince1970)
                }
            }
        }
        let past = Array(Set(boundaries)).sorted().filter { $0 <= now }
        // Two days of boundaries always hold at least two at or before now (one start a day suffices).
        return (past[past.count - 2], past[past.count - 1])
    }
}
