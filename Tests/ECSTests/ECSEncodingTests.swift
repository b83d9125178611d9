import Foundation
import Testing
@testable import ECS

@Suite struct JSONBytesTests {
    func encode(_ bytes: [UInt8]) -> (String, Bool) {
        var out: [UInt8] = []
        let ok = JSONBytes.appendString(bytes, to: &out)
        return (String(decoding: out, as: UTF8.self), ok)
    }

    @Test func escapesControlQuotesAndBackslashes() throws {
        let (s, ok) = encode(Array("a\"b\\c\nd\te\r\u{01}f".utf8))
        #expect(ok)
        #expect(s == #""a\"b\\c\nd\te\r\u0001f""#)
        let back = try JSONSerialization.jsonObject(with: Data(s.utf8), options: .fragmentsAllowed) as? String
        #expect(back == "a\"b\\c\nd\te\r\u{01}f")
    }

    @Test func keepsValidMultibyteAndReplacesInvalid() throws {
        let (good, ok1) = encode(Array("ALICE Ø² — µs 🚀".utf8))
        #expect(ok1)
        #expect(good == "\"ALICE Ø² — µs 🚀\"")
        // Lone continuation, truncated sequence, overlong encoding, surrogate half.
        for bad: [UInt8] in [[0x61, 0x80, 0x62], [0x61, 0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] {
            let (s, ok) = encode(bad)
            #expect(!ok)
            #expect(s.contains("\u{FFFD}"))
            #expect((try? JSONSerialization.jsonObject(with: Data(s.utf8), options: .fragmentsAllowed)) != nil)
        }
    }

    @Test func originalKeepsEveryByteOfInvalidSequencesAsHexText() throws {
        func original(_ bytes: [UInt8]) throws -> String? {
            var out: [UInt8] = []
            bytes.withUnsafeBufferPointer { JSONBytes.appendOriginal($0, to: &out) }
            return try JSONSerialization.jsonObject(with: Data(out), options: .fragmentsAllowed) as? String
        }
        // Lone continuation, truncated sequence at the end, overlong, surrogate half, 0xFF; valid text around kept.
        #expect(try original([0x61, 0x80, 0x62]) == #"a\x80b"#)
        #expect(try original([0x61, 0xE2, 0x82]) == #"a\xe2\x82"#)
        #expect(try original([0xC0, 0xAF]) == #"\xc0\xaf"#)
        #expect(try original([0xED, 0xA0, 0x80]) == #"\xed\xa0\x80"#)
        #expect(try original(Array("é \"q\"\n".utf8) + [0xFF]) == "é \"q\"\n\\xff")
        #expect(try original(Array("ALICE Ø² 🚀".utf8)) == "ALICE Ø² 🚀")
        #expect(try original([]) == "")
    }

    @Test func wordAtATimeScanAgreesWithFoundationAtEveryOffset() throws {
        // Every special byte at every position of a long line, so the 8-byte fast path meets it at each alignment.
        let specials: [UInt8] = [0x22, 0x5C, 0x0A, 0x01, 0x1F, 0xC3, 0x7F, 0x20]
        for special in specials {
            for pos in 0..<24 {
                var bytes = Array("abcdefghijklmnopqrstuvwxyz0123".utf8)
                bytes[pos] = special
                if special == 0xC3 { bytes[pos + 1] = 0xA9 }   // é, a valid two-byte sequence
                let (s, _) = encode(bytes)
                let back = try JSONSerialization.jsonObject(with: Data(s.utf8), options: .fragmentsAllowed) as? String
                #expect(back == String(decoding: bytes, as: UTF8.self), "special \(special) at \(pos)")
            }
        }
    }

    @Test func integers() {
        for v: Int64 in [0, 7, 10, 12345, -1, -987654321, .max, .min] {
            var out: [UInt8] = []
            JSONBytes.appendInteger(v, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(v))
        }
    }
}

@Suite struct TimestampTests {
    @Test func microsecondsAreKept() {
        var w = TimestampWriter()
        var out: [UInt8] = []
        w.append(microseconds: 1_795_912_022_760_665, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "2026-11-29T00:27:02.760665Z")
    }

    @Test func agreesWithFoundationAcrossDaysAndLeapYears() {
        var w = TimestampWriter()
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let secs = Int64(seed >> 33) % 4_102_444_800   // 1970 … 2100
            var out: [UInt8] = []
            w.append(microseconds: secs * 1_000_000 + 123, to: &out)
            let ours = String(decoding: out, as: UTF8.self)
            let expected = f.string(from: Date(timeIntervalSince1970: TimeInterval(secs)))
            #expect(ours == expected.replacingOccurrences(of: "Z", with: ".000123Z"))
        }
    }

    @Test func civilRoundTrip() {
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = TimestampWriter.civil(fromDays: day)
            #expect(TimestampWriter.days(fromCivil: y, m, d) == day)
        }
    }
}

@Suite struct DocumentIDTests {
    @Test func stableLengthAndAlphabet() {
        let a = DocumentID.make("s=abc;i=1;b=def")
        #expect(a.count == 22)
        #expect(a == DocumentID.make("s=abc;i=1;b=def"))
        #expect(a != DocumentID.make("s=abc;i=2;b=def"))
        #expect(a.allSatisfy { DocumentID.alphabet.contains($0) })
    }

    @Test func matchesMurmur3ReferenceVectors() {
        // MurmurHash3_x64_128 with seed 0, from the reference implementation (smhasher).
        let empty = [UInt8]().withUnsafeBytes { DocumentID.murmur3($0, seed: 0) }
        #expect(empty.0 == 0 && empty.1 == 0)
        let hello = Array("hello".utf8).withUnsafeBytes { DocumentID.murmur3($0, seed: 0) }
        #expect(hello.0 == 0xcbd8a7b341bd9b02 && hello.1 == 0x5b1e906a48ae1d19)
    }

    @Test func isBase64URLOfTheHashBigEndian() {
        var seed: UInt64 = 7
        for _ in 0..<1000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let h1 = seed, h2 = seed.byteSwapped ^ 0x5555_5555_5555_5555
            var bytes = [UInt8]()
            for v in [h1, h2] { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(String(decoding: DocumentID.encode(h1, h2), as: UTF8.self) == expected)
        }
    }

    @Test func noCollisionsOverManyCursors() {
        var seen = Set<[UInt8]>()
        for i in 0..<50_000 { seen.insert(DocumentID.make("s=0f1e2d;i=\(i);b=a1b2c3")) }
        #expect(seen.count == 50_000)
    }
}

@Suite struct IndexNamerTests {
    @Test func dailyByEventTimeUTC() {
        var n = IndexNamer(pattern: "logs-{dataset}-{yyyy.MM.dd}", dataset: "system.journal")
        #expect(n.isDaily)
        let justBeforeMidnight: Int64 = 1_795_996_799_999_999   // 2026-11-29T23:59:59.999999Z
        #expect(String(decoding: n.name(microseconds: justBeforeMidnight), as: UTF8.self) == "logs-system.journal-2026.11.29")
        #expect(String(decoding: n.name(microseconds: justBeforeMidnight + 1), as: UTF8.self) == "logs-system.journal-2026.11.30")
    }

    @Test func staticPatternAndSeparateTokens() {
        var s = IndexNamer(pattern: "logs-{dataset}-default", dataset: "infologger")
        #expect(!s.isDaily)
        #expect(String(decoding: s.name(microseconds: 0), as: UTF8.self) == "logs-infologger-default")
        var t = IndexNamer(pattern: "x-{yyyy}-{MM}", dataset: "d")
        #expect(String(decoding: t.name(microseconds: 0), as: UTF8.self) == "x-1970-01")
    }

    @Test func createActionLine() throws {
        var out: [UInt8] = []
        BulkAction.appendCreate(index: Array("i".utf8), id: Array("abc".utf8), to: &out)
        let obj = try JSONSerialization.jsonObject(with: Data(out)) as? [String: [String: String]]
        #expect(obj?["create"]?["_index"] == "i")
        #expect(obj?["create"]?["_id"] == "abc")
    }
}

@Suite struct JSONObjectWriterTests {
    /// Commas are placed per level: members of the outer object, elements of an array, members after it.
    @Test func arraysAndObjectsNestWithCommasInPlace() throws {
        var w = JSONObjectWriter()
        var out: [UInt8] = []
        w.begin(&out)
        w.key("\"a\":", &out); out.append(0x31)
        w.beginArray("\"tags\":", &out)
        w.element("\"x\"", &out)
        w.element("\"y\"", &out)
        w.endArray(&out)
        w.beginArray("\"none\":", &out)
        w.endArray(&out)
        w.beginObject("\"o\":", &out)
        w.key("\"b\":", &out); out.append(0x32)
        w.endObject(&out)
        w.key("\"c\":", &out); out.append(0x33)
        out.append(0x7D)
        #expect(String(decoding: out, as: UTF8.self) == #"{"a":1,"tags":["x","y"],"none":[],"o":{"b":2},"c":3}"#)
        #expect(try JSONSerialization.jsonObject(with: Data(out)) is [String: Any])
    }
}

@Suite struct AgentMembersTests {
    func decoded(_ agent: AgentInfo, dataset: String) throws -> [String: Any] {
        let members = agent.encodedMembers(dataset: dataset)
        return try #require(try JSONSerialization.jsonObject(with: Data([0x7B] + members + [0x7D])) as? [String: Any])
    }

    @Test func dailyIndicesCarryNoDataStreamFields() throws {
        let doc = try decoded(AgentInfo(name: "flp001", id: "m1"), dataset: "system.journal")
        #expect(Set(doc.keys) == ["agent", "ecs"])
    }

    /// In `output.mode: data_stream` every document names its data stream, as ECS's `data_stream.*` asks.
    @Test func dataStreamModeNamesTheDataStream() throws {
        let doc = try decoded(AgentInfo(name: "flp001", id: "m1", dataStreamNamespace: "farm"), dataset: "system.syslog")
        #expect(doc["data_stream"] as? [String: String] == ["type": "logs", "dataset": "system.syslog", "namespace": "farm"])
        #expect((doc["agent"] as? [String: Any])?["name"] as? String == "flp001")
    }
}
