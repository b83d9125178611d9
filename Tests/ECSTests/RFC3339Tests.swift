import ECS
import Testing

/// The one text form of times outside documents (alarms, reports, the command line).
@Suite struct RFC3339Tests {
    @Test func writesUTCWithRoundedMilliseconds() {
        #expect(RFC3339.format(1_796_191_200) == "2026-12-02T06:00:00.000Z")
        #expect(RFC3339.format(1_796_191_200.123) == "2026-12-02T06:00:00.123Z")   // not .122 from 0.12299…
        #expect(RFC3339.format(1_796_191_199.9996) == "2026-12-02T06:00:00.000Z")  // rounds into the next second
        #expect(RFC3339.format(-0.5) == "1969-12-31T23:59:59.500Z")
    }

    @Test func readsZOffsetsFractionsAndDates() {
        #expect(RFC3339.parse("2026-12-02T06:00:00Z") == 1_796_191_200)
        #expect(RFC3339.parse("2026-12-02T07:00:00+01:00") == 1_796_191_200)
        #expect(RFC3339.parse("2026-12-02T06:00:00.250Z") == 1_796_191_200.25)
        #expect(RFC3339.parse("2026-12-02") == 1_796_169_600)
        for bad in ["yesterday", "2026-13-01", "2026-12-02T06:00:00", "2026-12-02T06:00Z", "2026-12-02T06:00:00.Z", "2026-12-02T06:00:00Zjunk"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
        for t in [0.0, 1_796_191_200.001, 1_796_191_259.999] {
            #expect(RFC3339.parse(RFC3339.format(t)) == t)
        }
    }
}
