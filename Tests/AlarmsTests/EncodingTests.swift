import Foundation
import Testing
@testable import Alarms

/// The hand-written JSON writer and RFC 3339 reader that replaced JSONSerialization and ISO8601DateFormatter on
/// the cycle's hot path: checked against Foundation's own reader, which must read back exactly what was meant.
@Suite struct EncodingTests {
    @Test func jsonTextIsReadBackByJSONSerialization() throws {
        let value: [String: Any] = [
            "quote\"back\\slash": "line\nbreak\ttab\r\u{01}\u{1F} é ✓ 🚨 </script>",
            "ints": [0, -7, Int.max, Int.min], "doubles": [1.5, -0.25, 1e-7, 1795910700.25, 3e20],
            "bools": [true, false], "null": NSNull(), "nested": ["a": ["b": [1, "2", ["c": NSNull()]]]],
            "labels": ["host": "flp001"], "empty": [String: Any](), "none": [Any](),
        ]
        let text = JSONText.encode(value)
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: back).isEqual(to: value), "\(text)")
        #expect(text.contains(#""bools":[true,false]"#) && text.contains(#""ints":[0,-7,"#))
        #expect(!text.contains("\\/"), "slashes are not escaped")
    }

    @Test func keysAreSortedAndDecodedTypesKeepTheirKind() throws {
        #expect(JSONText.encode(["b": 1, "a": ["d": 2, "c": 3], "B": 4]) == #"{"B":4,"a":{"c":3,"d":2},"b":1}"#)
        // What JSONSerialization hands back: NSNumber booleans must stay booleans, integers integers.
        let decoded = try #require(JSONText.decode(Array(#"{"t":true,"f":false,"one":1,"zero":0,"half":0.5,"big":1795910700}"#.utf8)))
        #expect(JSONText.encode(decoded) == #"{"big":1795910700,"f":false,"half":0.5,"one":1,"t":true,"zero":0}"#)
        #expect(JSONText.encode(Double.nan) == "null" && JSONText.encode(2.0) == "2" && JSONText.encode("x") == #""x""#)
        #expect(JSONText.encode(["id": "pending:sink".dropFirst(8)]) == #"{"id":"sink"}"#)
    }

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
