@testable import Patterns
import XCTest

/// The miner's grouping, id stability, persistence and bounds, on messages shaped like the project's sample
/// farm (Sources/Demo) and the hosts' own daemons.
final class PatternMinerTests: XCTestCase {
    /// Deterministic values for the farm's templates.
    struct Values {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return range.lowerBound + Int((state >> 33) % UInt64(range.count))
        }
        mutating func word(_ words: [String]) -> String { words[next(0...(words.count - 1))] }
    }

    /// (template family, message) pairs: each family must be exactly one pattern.
    static func farmMessages(_ count: Int) -> [(Int, String)] {
        var v = Values()
        let users: [String] = ["admin", "oracle", "test", "guest", "ftpuser", "pi"]
        let makers: [(inout Values) -> String] = [
            { "Equipment ROC-\($0.next(1...3)): \($0.next(800...1400)) superpages received, \($0.next(8...14)).\($0.next(0...9)) GB/s" },
            { "Stats: rx \($0.next(10000...90000)) pages, \($0.next(0...3)) dropped, memory pool \($0.next(60...99))% free" },
            { "Run \($0.next(500000...600000)) started for detector TPC, \($0.next(2...6)) equipments enabled" },
            { "Run \($0.next(500000...600000)) stopped, \($0.next(1000...90000)) timeframes read out" },
            { "STF \($0.next(100000...999999)) built: \($0.next(2...24)) equipment, \($0.next(10...90)).5 MiB, \($0.next(1...5)) ms" },
            { "Task QcTask\($0.next(1...4)): cycle \($0.next(1...400)) finished, \($0.next(20...400)) objects published" },
            { "Failed to store object qc/TPC/MO/Clusters in CCDB: HTTP 503 Service Unavailable after \($0.next(1...9)) retries" },
            { "session opened for user \($0.word(users)) by login service on the console of the control room" },
            { "Accepted publickey for flp from 10.0.\($0.next(0...255)).\($0.next(1...254)) port \($0.next(1024...65535)) ssh2: RSA SHA256:abc\($0.next(1...9))" },
            { "Started Session \($0.next(1...9999)) of User root." },
            { "pam_unix(sshd:session): session opened for user root(uid=0) by (uid=\($0.next(0...1000)))" },
            { "kernel: Out of memory: Killed process \($0.next(100...99999)) (readout.exe) total-vm:\($0.next(100000...999999))kB" },
        ]
        return (0..<count).map { _ in
            let family = v.next(0...(makers.count - 1))
            return (family, makers[family](&v))
        }
    }

    func testEachFarmFamilyIsOnePattern() {
        let miner = PatternMiner()
        var idsByFamily: [Int: Set<PatternID>] = [:]
        for (family, message) in Self.farmMessages(3000) {
            idsByFamily[family, default: []].insert(miner.assign(message))
        }
        for (family, ids) in idsByFamily.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(ids.count, 1, "family \(family) split into \(ids.map { miner.template(of: $0) ?? "?" })")
        }
        XCTAssertEqual(Set(idsByFamily.values.flatMap { $0 }).count, idsByFamily.count, "two families share a pattern")
        XCTAssertEqual(miner.counters.patterns, idsByFamily.count)
        XCTAssertEqual(miner.counters.messages, 3000)
    }

    func testWideningKeepsTheIDAndBumpsTheRevision() {
        let miner = PatternMiner()
        let first = miner.assign("session opened for user alice by login service on tty7 of the main control room")
        XCTAssertEqual(miner.template(of: first), "session opened for user alice by login service on <*> of the main control room")
        XCTAssertEqual(miner.templateRevision(of: first), 0)
        let second = miner.assign("session opened for user bob by login service on tty8 of the main control room")
        XCTAssertEqual(second, first)
        XCTAssertEqual(miner.template(of: first), "session opened for user <*> by login service on <*> of the main control room")
        XCTAssertEqual(miner.templateRevision(of: first), 1)
        // The id is the founding skeleton's hash, not a counter: a fresh miner fed only the first message
        // gives the same id.
        let other = PatternMiner()
        other.assign("kernel: something else entirely, first")
        XCTAssertEqual(other.assign("session opened for user alice by login service on tty1 of the main control room"), first)
        // A word parameter seen once as a word and once with a digit: one pattern too.
        XCTAssertEqual(miner.assign("session opened for user test9 by login service on tty1 of the main control room"), first)
        // One word of difference in a short message is a different template, not a parameter.
        XCTAssertNotEqual(miner.assign("Ending TrustedInstaller initialization."), miner.assign("Ending TrustedInstaller finalization."))
    }

    func testACoveredPatternBecomesAnAlias() throws {
        // Ten tokens, 0.9 similarity: one difference still matches, three do not.
        let rest = " d e f g h i"
        let miner = PatternMiner()
        let a = miner.assign("k a b c" + rest)
        let b = miner.assign("k x y z" + rest)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(miner.assign("k q y z" + rest), b)   // b widens: k <*> y z
        XCTAssertEqual(miner.assign("k w b c" + rest), a)   // a widens: k <*> b c
        XCTAssertEqual(miner.assign("k w y c" + rest), a)   // tie with b, as wide: the older, a: k <*> <*> c
        XCTAssertEqual(miner.counters.merges, 0)
        XCTAssertEqual(miner.assign("k w b z" + rest), a)   // tie, a is wider: k <*> <*> <*> now covers b
        XCTAssertEqual(miner.counters.merges, 1)
        XCTAssertEqual(miner.counters.patterns, 1)
        XCTAssertEqual(miner.canonical(b), a)
        let info = try XCTUnwrap(miner.info(b))
        XCTAssertEqual(info.id, a)
        XCTAssertEqual(info.aliases, [b])
        XCTAssertEqual(info.count, 6)
        XCTAssertEqual(info.template, "k <*> <*> <*>" + rest)
        // b's founding message lands on a: no new pattern.
        XCTAssertEqual(miner.assign("k x y z" + rest), a)
        XCTAssertEqual(miner.counters.created, 2)
    }

    func testRefeedingCreatesNoPatternAndTwoMinersAgree() {
        let messages = Self.farmMessages(2000).map(\.1) + Self.noisyMessages()
        let a = PatternMiner(), b = PatternMiner()
        let idsA = messages.map { a.assign($0) }
        let idsB = messages.map { b.assign($0) }
        XCTAssertEqual(idsA, idsB)
        XCTAssertEqual(a.allPatterns(), b.allPatterns())
        let created = a.counters.created
        let again = messages.map { a.assign($0) }
        XCTAssertEqual(a.counters.created, created, "re-feeding created patterns")
        XCTAssertEqual(again.map { a.canonical($0) }, idsA.map { a.canonical($0) })
    }

    func testSaveAndLoadContinueExactlyLikeOneProcess() throws {
        let dir = NSTemporaryDirectory() + "patterns-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let messages = Self.farmMessages(1500).map(\.1) + Self.noisyMessages() + ["tab\there and a \\ backslash\u{1}"]
        var limits = MinerLimits()
        limits.maxPatterns = 40
        let whole = PatternMiner(limits: limits)
        let half = messages.count / 2
        let wholeIDs = messages.map { whole.assign($0, timestamp: 1_700_000_000_000) }
        let first = PatternMiner(limits: limits)
        for m in messages[..<half] { first.assign(m, timestamp: 1_700_000_000_000) }
        try first.save(directory: dir, name: "input one")
        XCTAssertTrue(FileManager.default.fileExists(atPath: PatternMiner.stateFile(directory: dir, name: "input one")))
        let restarted = try PatternMiner(directory: dir, name: "input one", limits: limits)
        XCTAssertEqual(restarted.allPatterns(), first.allPatterns())
        XCTAssertEqual(restarted.counters, first.counters)
        let rest = messages[half...].map { restarted.assign($0, timestamp: 1_700_000_000_000) }
        XCTAssertEqual(rest, Array(wholeIDs[half...]))
        XCTAssertEqual(restarted.allPatterns(), whole.allPatterns())
        XCTAssertEqual(restarted.counters, whole.counters)
        // No state yet: a fresh miner, not an error.
        XCTAssertEqual(try PatternMiner(directory: dir, name: "other").counters.patterns, 0)
        // A damaged file names itself and its line.
        let path = PatternMiner.stateFile(directory: dir, name: "broken")
        FileManager.default.createFile(atPath: path, contents: Data("logbridge-patterns 1\np zz\n".utf8))
        XCTAssertThrowsError(try PatternMiner(directory: dir, name: "broken")) { error in
            XCTAssertTrue("\(error)".contains("broken.patterns:2"), "\(error)")
        }
    }

    func testCapEvictsTheLeastRecentlyUsedAndCountsIt() {
        var limits = MinerLimits()
        limits.maxPatterns = 5
        let miner = PatternMiner(limits: limits)
        let kinds = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        let keep = miner.assign("keeper process started normally 1")
        for (k, kind) in kinds.enumerated() {
            miner.assign("\(kind) subsystem reported state \(k)")
            miner.assign("keeper process started normally \(k)")  // used all along: never the oldest
        }
        XCTAssertEqual(miner.counters.patterns, 5)
        XCTAssertEqual(miner.counters.created, 11)
        XCTAssertEqual(miner.counters.evictions, 6)
        XCTAssertNotNil(miner.info(keep))
        XCTAssertNil(miner.template(of: PatternMiner().assign("alpha subsystem reported state 0")), "the oldest stayed")
        XCTAssertNotNil(miner.template(of: PatternMiner().assign("juliet subsystem reported state 9")))
    }

    /// Messages a shipper meets on bad days.
    static func noisyMessages() -> [String] {
        ["", " ", "\t\t", "<*>", "<*> <*>", "x", "12345", "0x00 0x01", String(repeating: "ü", count: 50), "a=b=c", "=", "::", "//"]
    }

    func testBadInputIsMinedInBoundedTimeAndMemory() {
        let miner = PatternMiner()
        var garbage = [UInt8](repeating: 0, count: 1 << 20)
        for k in 0..<garbage.count { garbage[k] = UInt8(truncatingIfNeeded: (k &* 2_654_435_761) >> 13) }
        let hugeLine = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let manyTokens = Array((0..<100_000).map { "w\($0 % 7)x" }.joined(separator: " ").utf8)
        let numbers = Array((0..<200_000).map { "\($0)" }.joined(separator: " ").utf8)
        let start = ContinuousClock.now
        for _ in 0..<10 {
            for input in [garbage, hugeLine, manyTokens, numbers] { miner.assign(input) }
        }
        for k in 0..<20_000 { miner.assign("\(k) \(k * 7) \(k % 13)") }  // all-number lines: one pattern
        let elapsed = ContinuousClock.now - start
        // ~8 MB of bad input per round: milliseconds in release, well under a second in debug.
        XCTAssertLessThan(elapsed, .seconds(10), "bad input took \(elapsed)")
        XCTAssertEqual(miner.counters.truncatedMessages, 40, "every oversized message is counted once per arrival")
        let templates = miner.allPatterns()
        XCTAssertLessThanOrEqual(templates.count, 8)
        for p in templates {
            XCTAssertLessThanOrEqual(p.template.utf8.count, miner.limits.maxMessageBytes + 4)
            XCTAssertLessThanOrEqual(p.example.utf8.count, miner.limits.exampleBytes * 3)
            XCTAssertLessThanOrEqual(p.template.split(separator: " ").count, miner.limits.maxTokens)
        }
        XCTAssertEqual(Set((0..<100).map { miner.assign("\($0) \($0 + 1) \($0 + 2)") }).count, 1)
    }
}
