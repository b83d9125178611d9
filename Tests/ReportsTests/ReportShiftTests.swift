import Foundation
import Reports
import Testing

/// `report --shift`: the shift that ended last, in the control room's local time.
@Suite struct ReportShiftTests {
    let zurich = TimeZone(identifier: "Europe/Zurich")!
    let alice = [0, 8 * 60, 16 * 60]

    func at(_ text: String) -> Double { ReportTime.parse(text)! }
    /// "start/end" in RFC 3339, so a failure shows the times.
    func shift(at now: String, starts: [Int]? = nil, in zone: TimeZone? = nil) -> String {
        let (start, end) = ReportShift.lastEnded(now: at(now), starts: starts ?? alice, timeZone: zone ?? zurich)
        return ReportTime.format(start) + "/" + ReportTime.format(end)
    }

    @Test func aReportAtTheShiftChangeCoversTheShiftJustHandedOver() {
        // 08:05 in Zurich (UTC+1 in December): the night shift 00:00-08:00 local.
        let (start, end) = ReportShift.lastEnded(now: at("2026-12-02T07:05:00Z"), starts: alice, timeZone: zurich)
        #expect(ReportTime.format(start) == "2026-12-01T23:00:00.000Z")
        #expect(ReportTime.format(end) == "2026-12-02T07:00:00.000Z")
        // Exactly at a boundary, the shift ending then; shortly after midnight, the evening shift of the day before.
        #expect(shift(at: "2026-12-02T15:00:00Z") == "2026-12-02T07:00:00.000Z/2026-12-02T15:00:00.000Z")
        #expect(shift(at: "2026-12-01T23:30:00Z") == "2026-12-01T15:00:00.000Z/2026-12-01T23:00:00.000Z")
    }

    @Test func shiftsFollowTheLocalClockAcrossDaylightSaving() {
        // 2026-03-29 02:00 → 03:00 in Zurich: that night shift lasts 7 hours, the autumn one (10-25) 9.
        #expect(shift(at: "2026-03-29T06:30:00Z") == "2026-03-28T23:00:00.000Z/2026-03-29T06:00:00.000Z")
        let autumn = ReportShift.lastEnded(now: at("2026-10-25T07:30:00Z"), starts: alice, timeZone: zurich)
        #expect(autumn.end - autumn.start == 9 * 3600)
    }

    @Test func oneStartADayMakesDailyReports() {
        #expect(shift(at: "2026-12-02T06:10:00Z", starts: [6 * 60], in: TimeZone(identifier: "UTC"))
                == "2026-12-01T06:00:00.000Z/2026-12-02T06:00:00.000Z")
    }
}
