import Foundation
import Testing
import TestSupport

/// Journal entries with a unique message each (`<tag>-<n>`), so the index can be checked for exactly-once.
func taggedEntries(_ tag: String, count: Int, from first: Int = 0, bootSeed: Int = 0xb007) -> [JournalFixture.Entry] {
    (first..<(first + count)).map { i in
        JournalFixture.entry([
            ("__REALTIME_TIMESTAMP", "\(1_795_912_000_000_000 + i * 1000)"), ("__MONOTONIC_TIMESTAMP", "\(1_000_000 + i * 1000)"),
            ("_BOOT_ID", String(format: "%032x", bootSeed)), ("_MACHINE_ID", String(format: "%032x", 0xabc)),
            ("_HOSTNAME", "flp\(i % 7)"), ("PRIORITY", "\(i % 8)"), ("SYSLOG_IDENTIFIER", "readout"),
            ("_PID", "\(1000 + i % 5)"), ("_SYSTEMD_UNIT", "readout.service"), ("_TRANSPORT", "journal"),
            ("MESSAGE", "\(tag)-\(i)"),
        ])
    }
}

/// What the index holds, by message.
struct IndexContents {
    var total: Int
    var messages: [String: Int]

    init(_ osmem: OsmemServer, pattern: String = "logs-*") throws {
        let docs = try osmem.allDocuments(pattern)
        total = docs.count
        messages = [:]
        for d in docs { messages[d.source["message"] as? String ?? "<none>", default: 0] += 1 }
    }

    var duplicated: [String] { messages.filter { $0.value > 1 }.map(\.key).sorted() }

    func missing(_ expected: Set<String>) -> [String] { expected.subtracting(messages.keys).sorted() }
}

/// The acceptance check every test ends with: exactly the expected events, each once, nothing else.
func expectExactlyOnce(_ osmem: OsmemServer, _ expected: Set<String>, pattern: String = "logs-*",
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
    let index = try IndexContents(osmem, pattern: pattern)
    let missing = index.missing(expected)
    let dups = index.duplicated
    let unexpected = Set(index.messages.keys).subtracting(expected)
    #expect(index.total == expected.count, "index holds \(index.total) documents for \(expected.count) events",
            sourceLocation: sourceLocation)
    #expect(missing.count == 0, "missing \(missing.count): \(missing.prefix(10))", sourceLocation: sourceLocation)
    #expect(dups.count == 0, "duplicated \(dups.count): \(dups.prefix(10))", sourceLocation: sourceLocation)
    #expect(unexpected.count == 0, "unexpected: \(unexpected.prefix(10))", sourceLocation: sourceLocation)
    #expect(try osmem.count("logs-*") == expected.count, sourceLocation: sourceLocation)
}

func expectedMessages(_ tag: String, _ range: Range<Int>) -> Set<String> { Set(range.map { "\(tag)-\($0)" }) }

/// `LOGBRIDGE_SOAK=1` (`make soak`) scales counts and durations up.
enum Soak {
    static let enabled = ProcessInfo.processInfo.environment["LOGBRIDGE_SOAK"] == "1"
    static func scale(_ quick: Int, _ soak: Int) -> Int { enabled ? soak : quick }
    static func scale(_ quick: Double, _ soak: Double) -> Double { enabled ? soak : quick }
}
