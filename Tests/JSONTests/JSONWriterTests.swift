import Foundation
import JSON
import Testing

/// The hand-written JSON writer that replaced JSONSerialization on the alarm cycle's hot path: checked against
/// Foundation's own reader, which must read back exactly what was meant.
@Suite struct JSONWriterTests {
    @Test func compactTextIsReadBackByJSONSerialization() throws {
        let value: JSONValue = [
            "quote\"back\\slash": "line\nbreak\ttab\r\u{01}\u{1F} é ✓ 🚨 </script>",
            "ints": [0, -7, .int(Int.max), .int(Int.min)], "doubles": [1.5, -0.25, 1e-7, 1795910700.25, 3e20],
            "bools": [true, false], "null": .null, "nested": ["a": ["b": [1, "2", ["c": .null]]]],
            "labels": ["host": "flp001"], "empty": [:], "none": [],
        ]
        let text = value.compactText
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(NSDictionary(dictionary: back).isEqual(to: value.foundation as! [String: Any]), "\(text)")
        #expect(text.contains(#""bools":[true,false]"#) && text.contains(#""ints":[0,-7,"#))
        #expect(!text.contains("\\/"), "slashes are not escaped")
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test func keysAreSortedAndNumbersPrintAsRead() throws {
        let value: JSONValue = ["b": 1, "a": ["d": 2, "c": 3], "B": 4]
        #expect(value.compactText == #"{"B":4,"a":{"c":3,"d":2},"b":1}"#)
        var unsorted: [UInt8] = []
        value.append(to: &unsorted, sortedKeys: false)
        #expect(try JSONValue(parsing: unsorted) == value)
        let decoded = try JSONValue(parsing: #"{"t":true,"f":false,"one":1,"zero":0,"half":0.5,"big":1795910700}"#)
        #expect(decoded.compactText == #"{"big":1795910700,"f":false,"half":0.5,"one":1,"t":true,"zero":0}"#)
        #expect(JSONValue.double(.nan).compactText == "null" && JSONValue.double(2.0).compactText == "2")
        #expect(JSONValue.double(3e20).compactText == "3e+20" && JSONValue.string("x").compactText == #""x""#)
    }

    @Test func prettyTextIsTheMappingsFileForm() throws {
        let value: JSONValue = ["version": 3, "index_patterns": ["logs-*"], "template": ["settings": [:], "aliases": []]]
        #expect(value.prettyText == """
            {
              "index_patterns": [
                "logs-*"
              ],
              "template": {
                "aliases": [],
                "settings": {}
              },
              "version": 3
            }

            """)
        #expect(try JSONValue(parsing: value.prettyText) == value)
    }
}
