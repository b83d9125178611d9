import Foundation
import Testing
@testable import Alarms

/// The RFC 3339 writer and reader that replaced ISO8601DateFormatter on the cycle's hot path (the JSON writer and
/// reader that replaced JSONSerialization are checked in JSONTests).
@Suite struct EncodingTests {
    @Test func timestampsFormatAndParse() {
        let t0 = 1_795_910_400.0  // 2026-11-29T00:00:00Z
        #expect(Timestamps.format(t0) == "2026-11-29T00:00:00.000Z")
        #expect(Timestamps.format(t0 + 86_399.123) == "2026-11-29T23:59:59.123Z")
        #expect(Timestamps.format(951_782_400) == "2000-02-29T00:00:00.000Z")
        for t in [t0, t0 + 0.001, t0 + 59.999, t0 + 3_600 * 24 * 40 + 0.5, 0, 4_102_444_799.998] {
            #expect(Timestamps.parse(Timestamps.format(t)) == t, "\(Timestamps.format(t))")
        }
        #expect(Timestamps.parse("2026-11-29T01:00:00+01:00") == t0)
        #expect(Timestamps.parse("2026-11-28T23:30:00-00:30") == t0)
        #expect(Timestamps.parse("2026-11-29T00:00:00.000000Z") == t0)
        #expect(Timestamps.parse("2026-11-29T00:00:00Z") == t0)
        #expect(Timestamps.parse("2026-11-29") == t0)
        #expect(Timestamps.parse("now-1h", now: t0) == t0 - 3600)
        for bad in ["", "2026-11-29T00:00:00", "2026-13-01T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T00:00:00.Z",
                    "2026-11-29T00:00:00Zjunk", "29/11/2026", "2026-11-29T00:00:00+0100"] {
            #expect(Timestamps.parse(bad) == nil, "\(bad)")
        }
    }
}
