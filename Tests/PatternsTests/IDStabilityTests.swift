@testable import Patterns
import TestSupport
import XCTest

/// The id contract of docs/patterns.md: the same message gets the same id in every later version. These ids
/// were recorded with the miner as first released (before its one-scan tokeniser); a change to the tokeniser, the masks or the hash
/// functions that moves any of them fails here, however fast it is.
final class IDStabilityTests: XCTestCase {
    static let recorded: [(message: String, id: String, template: String)] = [
        ("buffer full on link 12 (event 4711)", "b889886a5ccd4f18", "buffer full on link <*> (event <*>"),
        ("Accepted publickey for root from 10.11.10.1 port 22 ssh2", "001583365fcdb41d", "Accepted publickey for root from <*> port <*> <*>"),
        ("Failed password for invalid user admin from 173.234.31.186 port 38926 ssh2", "1c20c8d38e10abde", "Failed password for invalid user admin from <*> port <*> <*>"),
        ("Started Session 42 of user flp.", "f67d567866327bdf", "Started Session <*> of user flp."),
        ("readout: page 1234 sent to EPN epn042.cern.ch in 250ms", "0b8efd4d103e4856", "readout: page <*> sent to EPN <*> in <*>"),
        ("Opened file /var/log/readout/run-567.log for writing", "51f692fafcac78b5", "Opened file <*> for writing"),
        ("blk_-1608999687919862906 Receiving block src: /10.250.19.102:54106 dest: /10.250.19.102:50010", "6f8c8cc67d3d066f", "<*> Receiving block src: <*> dest: <*>"),
        ("uid=0 tty=ssh action:SCREEN_ON ws=null, done=true", "ff7c77ba844a7062", "uid=<*> tty=<*> action:<*> ws=<*>, done=<*>"),
        ("AppWindowToken{9f4ef63 token=Token{a64f992 ActivityRecord}} id[0]=0,", "610184af48c8fc18", "AppWindowToken{<*> token=<*> ActivityRecord}} id[<*>]=<*>,"),
        ("request b9000564-fe1a-409b-b8cc-1e88b294cd1d took 1.5GB at 2026-12-02T06:27:00Z", "d2ac055e61c2cfa8", "request <*> took <*> at <*>"),
        ("org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001", "d7192028fa1473d2", "<*> Created MRAppMaster for application <*>"),
        ("[12:30:01] 10.0.0.1:80,10.0.0.2 héllo wörld café", "2bd5df1ba60dc066", "<*> <*> héllo wörld café"),
        ("kernel: Out of memory: Killed process 4242 (o2-readout) total-vm:1234kB", "d2b20deccd669680", "kernel: Out of memory: Killed process <*> <*> total-vm:<*>"),
        ("task 17 finished in 12 ms", "465c175d117e15b4", "task <*> finished in <*> ms"),
        ("CRU 3 temperature nominal", "037e980ac9023846", "CRU <*> temperature nominal"),
    ]

    func testIDsAndTemplatesAreThoseOfTheFirstRelease() {
        for (message, id, template) in Self.recorded {
            let miner = PatternMiner()
            let got = miner.assign(message)
            XCTAssertEqual(got.description, id, message)
            XCTAssertEqual(miner.template(of: got), template, message)
        }
    }

    /// The one-scan tokeniser settles most tokens without `TokenMasker.mask` (`quickHash`); wherever it does,
    /// its answer must be `mask`'s. Random tokens over the bytes every rule looks at, plus every token of the
    /// recorded messages.
    func testQuickHashAgreesWithMaskOnEveryTokenItSettles() {
        let alphabet = Array("aZt rue fals nul0123456789./:=,()[]{}\"';|<>_-xé".utf8) + [0x80, 0xC3, 0xFF]
        var generator = SeededGenerator(seed: 20261202)
        var tokens: [[UInt8]] = Self.recorded.flatMap { $0.message.split(separator: " ").map { Array($0.utf8) } }
        tokens += ["true", "false,", "null", "nulls", "truth", "fal", "42", "0)", "(event", "1.5", "a.b.c", "a.b"].map { Array($0.utf8) }
        for _ in 0..<40_000 {
            let length = 1 + Int(generator.next() % 9)
            tokens.append((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }.filter { $0 != 0x20 })
        }
        var settled = 0
        var disagreements: [String] = []
        for token in tokens where !token.isEmpty {
            token.withUnsafeBytes { t in
                var seen: UInt8 = 0
                var dots = 0
                for b in t {
                    seen |= TokenMasker.classes[Int(b)]
                    if b == UInt8(ascii: ".") { dots += 1 }
                }
                var raw = HashSink()
                raw.put(t)
                guard let quick = TokenMasker.quickHash(t, seen: seen, dots: dots, rawHash: raw.value) else { return }
                settled += 1
                var full = HashSink()
                TokenMasker.mask(t, extraMasks: [], into: &full)
                if quick != full.value { disagreements.append(String(decoding: token, as: UTF8.self)) }
            }
        }
        XCTAssertEqual(disagreements, [], "tokens the quick path hashes differently from mask")
        XCTAssertGreaterThan(settled, 10_000, "the quick path should settle most random tokens")
    }

    func testSkeletonMapAgreesWithADictionary() {
        let map = SkeletonMap(capacity: 16)
        var reference: [UInt64: Int32] = [:]
        var generator = SeededGenerator(seed: 7)
        var wrong: [Int] = []
        for step in 0..<60_000 {
            // Small key space so look-ups hit, equal low bits in some keys so probing chains form.
            let key = (generator.next() % 5_000) << (step % 3 == 0 ? 20 : 0)
            if let slot = reference[key] {
                if map[key] != slot { wrong.append(step) }
            } else {
                if map[key] != nil { wrong.append(step) }
                map.insert(key, Int32(step))
                reference[key] = Int32(step)
            }
            if step % 20_011 == 0 { map.removeAll(); reference.removeAll() }
            if map.count != reference.count { wrong.append(step) }
        }
        XCTAssertEqual(wrong, [], "steps where the map and the dictionary disagreed")
    }
}
