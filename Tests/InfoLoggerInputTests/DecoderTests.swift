import Foundation
import Testing
@testable import InfoLoggerInput

@Suite("InfoLogger records to ECS documents")
struct DecoderTests {
    @Test("protocol 1.4, every field set")
    func v14() throws {
        let (d, problem) = try encode("*1.4#E#1#1795912022.760665#flp001#readout#12345#flp#FLP#readout#TPC#2rXyZ7abc#551234#3004#212#ReadoutEquipment.cxx#Non-contiguous timeframe IDs ?42")
        #expect(problem == nil)
        #expect(d["@timestamp"] as? String == "2026-11-29T00:27:02.760665Z")
        #expect(d.index == "logs-infologger-2026.11.29")
        #expect(d["message"] as? String == "Non-contiguous timeframe IDs ?42")
        #expect(d["log.level"] as? String == "err")
        #expect(d["log.origin.file.name"] as? String == "ReadoutEquipment.cxx")
        #expect(d["log.origin.file.line"] as? Int == 212)
        #expect(d["host.name"] as? String == "flp001")
        #expect(d["process.pid"] as? Int == 12345)
        #expect(d["user.name"] as? String == "flp")
        #expect(d["error.code"] as? String == "3004")
        #expect(d["event.dataset"] as? String == "infologger")
        #expect(d["event.original"] == nil)
        #expect(d["infologger.severity"] as? String == "E")
        #expect(d["infologger.level"] as? Int == 1)
        #expect(d["infologger.level_class"] as? String == "operations")
        #expect(d["infologger.rolename"] as? String == "readout")
        #expect(d["infologger.system"] as? String == "FLP")
        #expect(d["infologger.facility"] as? String == "readout")
        #expect(d["infologger.detector"] as? String == "TPC")
        #expect(d["infologger.partition"] as? String == "2rXyZ7abc")
        #expect(d["infologger.run"] as? Int == 551234)
        #expect(d["infologger.dest"] == nil)
        #expect(d.id.count == 22)
    }

    @Test("protocol 1.3 has dest between partition and run; empty fields are undefined")
    func v13() throws {
        let (d, problem) = try encode("*1.3#I#6#1531982951.042664#aldaqpc031#ldc-TRD-5#37971#alicedaq#DAQ#pauseAndResetRun#TRD#PHYSICS_1##289724##91#pauseAndResetRun.c#POST_PAR completed")
        #expect(problem == nil)
        #expect(d["@timestamp"] as? String == "2018-07-19T06:49:11.042664Z")
        #expect(d["infologger.partition"] as? String == "PHYSICS_1")
        #expect(d["infologger.dest"] == nil)
        #expect(d["infologger.run"] as? Int == 289724)
        #expect(d["error.code"] == nil)
        #expect(d["log.origin.file.line"] as? Int == 91)
        #expect(d["log.origin.file.name"] as? String == "pauseAndResetRun.c")
        #expect(d["infologger.level_class"] as? String == "support")
        #expect(d["message"] as? String == "POST_PAR completed")
    }

    @Test("protocol 1.2: 11 fields, no level, dest kept")
    func v12() throws {
        let (d, _) = try encode("*1.2#W#1262304000.5#pcald30#runControl#4242#daq#DAQ#rc#ALL#123456#run started")
        #expect(d["@timestamp"] as? String == "2010-01-01T00:00:00.500000Z")
        #expect(d["log.level"] as? String == "warning")
        #expect(d["infologger.dest"] as? String == "ALL")
        #expect(d["infologger.run"] as? Int == 123456)
        #expect(d["infologger.level"] == nil)
        #expect(d["process.pid"] as? Int == 4242)
        #expect(d["message"] as? String == "run started")
    }

    @Test("the message is the rest of the record, '#' included; severities and level classes")
    func messageAndVocabulary() throws {
        let (m, _) = try encode("*1.4#F#21#1795912022.000001#h##1#u##f#######a#b##c")
        #expect(m["message"] as? String == "a#b##c")
        #expect(m["log.level"] as? String == "crit")
        #expect(m["infologger.level_class"] as? String == "trace")
        #expect(m["@timestamp"] as? String == "2026-11-29T00:27:02.000001Z")
        #expect(try encode("*1.4#D#11#1#h##1#u##f#######x").0["log.level"] as? String == "debug")
        #expect(try encode("*1.4#D#11#1#h##1#u##f#######x").0["infologger.level_class"] as? String == "developer")
        let undefined = try encode("*1.4#U#0#1#h##-5#u##f###0#x#-3##msg").0
        #expect(undefined["log.level"] == nil)
        #expect(undefined["infologger.level"] == nil)
        #expect(undefined["process.pid"] == nil)
        #expect(undefined["infologger.run"] == nil)
        #expect(undefined["error.code"] == nil)
        #expect(undefined["log"] == nil)
        #expect(undefined["message"] as? String == "msg")
    }

    @Test("bad records are indexed whole with event.original and a reason")
    func malformed() throws {
        for (record, reason) in [("hello world", "not an InfoLogger record"), ("*2.0#I#x", "unknown InfoLogger protocol"),
                                 ("*1.4#I#1#123#host", "too few fields")] {
            let (d, problem) = try encode(record, arrival: 1_800_000_000_123_456)
            #expect(problem?.hasPrefix(reason) == true)
            #expect(d["message"] as? String == record)
            #expect(d["event.original"] as? String == record)
            #expect(d["error.message"] as? String == problem)
            #expect(d["tags"] as? [String] == ["infologger_malformed"])
            #expect(d["@timestamp"] as? String == "2027-01-15T08:00:00.123456Z")
        }
        let (t, problem) = try encode("*1.4#I##yesterday#vm##1#root##f#######m", arrival: 1_800_000_000_000_000)
        #expect(problem == "unparsable timestamp")
        #expect(t["message"] as? String == "m")
        #expect(t["event.original"] as? String == "*1.4#I##yesterday#vm##1#root##f#######m")
        #expect(t["tags"] as? [String] == ["infologger_invalid_timestamp"])
    }

    @Test("invalid UTF-8 is repaired, tagged and kept in event.original")
    func invalidUTF8() throws {
        var encoder = InfoLoggerDocumentEncoder(dataset: "infologger", indexPattern: "i", agent: .init(name: "t", id: "t"))
        var out: [UInt8] = []
        let record = Array("*1.4#I##1.5#vm##1#root##f#######bad ".utf8) + [0xFF, 0xFE]
        record.withUnsafeBufferPointer { encoder.encode($0, arrivalMicros: 0, into: &out) }
        let d = try SpooledDocument(out)
        #expect(encoder.lastProblem == "invalid UTF-8")
        #expect(d["tags"] as? [String] == ["infologger_invalid_utf8"])
        #expect((d["message"] as? String)?.hasPrefix("bad ") == true)
    }

    @Test("the _id depends on every field: same record, same id; any difference, another id")
    func documentID() throws {
        let a = "*1.4#W##1795912028.293979#vm##30690#root##test#######first line"
        #expect(try encode(a).0.id == encode(a, arrival: 1).0.id)
        #expect(try encode(a).0.id != encode(a.replacingOccurrences(of: "first", with: "second")).0.id)
        #expect(try encode(a).0.id != encode(a.replacingOccurrences(of: "#W#", with: "#E#")).0.id)
    }

    @Test("frames of the real infoLoggerD, whatever the TCP segmentation")
    func framesFromCapture() throws {
        func parseAll(chunks: Int) throws -> [(UInt64, String)] {
            var parser = FrameParser(maxRecordBytes: 1 << 20)
            var buffered: [UInt8] = []
            var out: [(UInt64, String)] = []
            var hello = ""
            for chunk in stride(from: 0, to: Captures.t1.count, by: chunks).map({ Captures.t1[$0..<min($0 + chunks, Captures.t1.count)] }) {
                buffered += chunk
                while let (item, length) = try buffered.withUnsafeBufferPointer({ try parser.next($0) }) {
                    switch item {
                    case .hello(let c): hello = c
                    case .frame(let minID, let majID, let body):
                        #expect(majID == 1)
                        out.append((minID, String(decoding: buffered[body], as: UTF8.self)))
                    }
                    buffered.removeFirst(length)
                }
            }
            #expect(hello == "infoLoggerD")
            #expect(buffered.isEmpty)
            return out
        }
        let whole = try parseAll(chunks: Captures.t1.count)
        #expect(whole.map(\.0) == Array(1...9))
        #expect(whole[0].1 == "*1.4#E##1795912022.760665#vm##30346#root##test#######hello world")
        #expect(whole[4].1 == "*1.4#I##1795912029.801396#vm##30690#root##test#######hash ? in ? the middle ?end")
        for size in [1, 7, 64] {
            let split = try parseAll(chunks: size)
            #expect(split.map(\.0) == whole.map(\.0) && split.map(\.1) == whole.map(\.1))
        }
        let allFields = try encode(whole[5].1).0
        #expect(allFields["infologger.level_class"] as? String == "developer")
        #expect(allFields["log.origin.file.name"] as? String == "file.cxx")
        #expect(allFields["infologger.partition"] as? String == "PART1")
    }

    @Test("protocol violations: junk, a size that lies, an overlong header, an oversized frame")
    func violations() {
        func violation(_ text: [UInt8], greeted: Bool = true, max: Int = 1024) -> String? {
            var parser = FrameParser(maxRecordBytes: max)
            var bytes = greeted ? Array("INI infoLoggerD 1\n".utf8) + text : text
            do {
                while let (_, length) = try bytes.withUnsafeBufferPointer({ try parser.next($0) }) { bytes.removeFirst(length) }
                return nil
            } catch { return "\(error)" }
        }
        #expect(violation([0x00, 0xFF, 0x0A], greeted: false)?.hasPrefix("expected \"INI") == true)
        #expect(violation(Array("GET / HTTP/1.1\n".utf8))?.hasPrefix("expected a \"File") == true)
        #expect(violation(Array("File infoLoggerD 1 1 10\n*1.4#I#hello world and more\0END\n".utf8))?.contains("size lies") == true)
        #expect(violation([UInt8](repeating: 0x41, count: 2000))?.contains("no line end") == true)
        #expect(violation(Array("File infoLoggerD 1 1 5000\n".utf8))?.contains("outside") == true)
        #expect(violation(Array("File infoLoggerD x 1 5\n".utf8))?.contains("bad number") == true)
        #expect(violation(Array("File infoLoggerD 1 1 5\n*1.4".utf8)) == nil)   // incomplete: waits for more
    }
}
