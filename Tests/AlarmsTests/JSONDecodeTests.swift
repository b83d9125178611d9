import Foundation
import JSON
import Testing
@testable import Alarms

/// The hand-written JSON reader that replaced JSONSerialization for cluster answers, checked against
/// Foundation's reader on the same texts: the same values, and nil exactly where Foundation refuses.
@Suite struct JSONDecodeTests {
    @Test func decodesWhatJSONSerializationDecodes() throws {
        let valid = [
            #"{"took":5,"hits":{"total":{"value":1886,"relation":"eq"},"hits":[]},"aggregations":{"keys":{"buckets":[{"key":"flp001","doc_count":12,"v":{"value":0.25}},{"key":{"host":"flp002","unit":"a.service"},"doc_count":3}]}}}"#,
            #"[1,-2,3.5,-0.0,1e3,2E-2,9223372036854775807,true,false,null,"",{}]"#,
            #"  "esc \" \\ \/ \b \f \n \r \t \u00e9 \u20AC \ud83d\udea8 end"  "#,
            #"{"a":{"b":{"c":[[["deep"]]]}},"é":"✓","sp ace":" "}"#, "0", "-1.5", "null",
        ]
        for text in valid {
            let ours = try #require(JSONText.decode(Array(text.utf8)), "\(text)")
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect(NSArray(array: [ours]).isEqual(to: [theirs]), "\(text): \(ours) vs \(theirs)")
        }
    }

    @Test func numbersKeepTheirKind() throws {
        let decoded = try #require(JSONText.decode(Array(#"{"n":12,"d":0.5,"e":1e3,"big":9223372036854775808}"#.utf8)) as? [String: Any])
        #expect(decoded["n"] as? Int == 12)
        #expect(decoded["d"] as? Double == 0.5)
        #expect(decoded["e"] as? Double == 1000)
        #expect(decoded["big"] as? Double == 9223372036854775808.0, "an integer beyond Int is a Double, not an error")
        // A top-level `true` is compared here: Foundation hands back an NSNumber that does not equal a Swift Bool.
        #expect(JSONText.decode(Array("true".utf8)) as? Bool == true)
        #expect(JSONText.decode(Array(" false ".utf8)) as? Bool == false)
    }

    @Test func refusesWhatIsNotOneJSONValue() {
        let invalid = ["", "{", "[1,]", #"{"a":}"#, #"{"a" 1}"#, "01x", "[1 2]", #""unterminated"#, "tru", "-", "1.",
                       "1e", #""\x""#, #""\u12G4""#, "{}{}", "\u{01}", "\"tab\there\"",
                       String(repeating: "[", count: 300) + String(repeating: "]", count: 300)]
        for text in invalid {
            #expect(JSONText.decode(Array(text.utf8)) == nil, "\(text) should be refused")
        }
    }
}
