import Foundation
import JSON
import Testing

/// The hand-written JSON reader, checked against Foundation's reader on the same texts: the same values, and
/// an error (with the byte where reading stopped) exactly where Foundation refuses.
@Suite struct JSONReaderTests {
    @Test func readsWhatJSONSerializationReads() throws {
        let valid = [
            #"{"took":5,"hits":{"total":{"value":1886,"relation":"eq"},"hits":[]},"aggregations":{"keys":{"buckets":[{"key":"flp001","doc_count":12,"v":{"value":0.25}},{"key":{"host":"flp002","unit":"a.service"},"doc_count":3}]}}}"#,
            #"[1,-2,3.5,-0.0,1e3,2E-2,9223372036854775807,true,false,null,"",{}]"#,
            #"  "esc \" \\ \/ \b \f \n \r \t \u00e9 \u20AC \ud83d\udea8 end"  "#,
            #"{"a":{"b":{"c":[[["deep"]]]}},"é":"✓","sp ace":" "}"#, "0", "-1.5", "null",
        ]
        for text in valid {
            let ours = try JSONValue(parsing: text)
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect(NSArray(array: [ours.foundation]).isEqual(to: [theirs]), "\(text): \(ours) vs \(theirs)")
        }
    }

    @Test func numbersKeepTheirKind() throws {
        let decoded = try JSONValue(parsing: #"{"n":12,"d":0.5,"e":1e3,"big":9223372036854775808}"#)
        #expect(decoded["n"] == .int(12))
        #expect(decoded["d"] == .double(0.5))
        #expect(decoded["e"] == .double(1000))
        #expect(decoded["big"] == .double(9223372036854775808.0), "an integer beyond Int is a Double, not an error")
        #expect(try JSONValue(parsing: "true") == .bool(true))
        #expect(try JSONValue(parsing: " false ") == .bool(false))
        #expect(decoded["e"]?.intValue == 1000 && decoded["d"]?.intValue == nil && decoded["n"]?.doubleValue == 12)
    }

    @Test func refusesWhatIsNotOneJSONValue() {
        let invalid = ["", "{", "[1,]", #"{"a":}"#, #"{"a" 1}"#, "01", "01x", "-01", "[1 2]", #""unterminated"#, "tru",
                       "-", "1.", "1e", #""\x""#, #""\u12G4""#, "{}{}", "\u{01}", "\"tab\there\"", "+1", ".5", "'a'",
                       #"{"a":1,}"#, #"{1:2}"#, "nul", "[", #""\"#, #""\u12"#,
                       String(repeating: "[", count: 300) + String(repeating: "]", count: 300)]
        for text in invalid {
            #expect(throws: JSONValue.ParseError.self, "\(text) should be refused") { try JSONValue(parsing: text) }
            // Foundation on Linux also reads a trailing comma, which RFC 8259 does not allow (nor do we).
            let lenient = text.hasPrefix("[[[") || text.hasSuffix(",]") || text.hasSuffix(",}")
            #expect(lenient || (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) == nil,
                    "Foundation reads \(text)")
        }
    }

    @Test func errorsSayWhereAndWhat() {
        func failure(_ text: String) -> String {
            do throws(JSONValue.ParseError) { _ = try JSONValue(parsing: text); return "read" } catch { return error.description }
        }
        #expect(failure(#"{"a": {"b" 1}}"#) == "unexpected '1', expected ':' at byte 11")
        #expect(failure("[1,]") == "unexpected ']', expected a value at byte 3")
        #expect(failure(#"{"a":1} x"#) == "unexpected text after the JSON value at byte 8")
        #expect(failure(#"{"a":"x"#) == "unterminated string at byte 7")
        #expect(failure("[tru]") == "unexpected 't', expected 'true' at byte 1")
        #expect(failure("007") == "leading zero in a number at byte 1")
        #expect(failure("[1, 2E758]") == "number out of range at byte 4")
        #expect(failure("") == "unexpected end of input, expected a value at byte 0")
        #expect(failure(String(repeating: "[", count: 300)) == "nested deeper than 256 levels at byte 256")
        #expect(failure("\"a\u{01}\"") == "control character 0x1 in a string at byte 2")
    }
}

extension JSONValue {
    /// The same value as Foundation objects, to compare with what JSONSerialization reads.
    var foundation: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .array(let items): return items.map(\.foundation)
        case .object(let members): return members.mapValues(\.foundation)
        }
    }
}
