import Patterns
import XCTest

/// Grouping accuracy on Loghub-2k, held to the floor measured by `make bench-patterns` (docs/patterns.md).
/// Runs when the data is there: `LOGHUB_DIR`, else `../shared/loghub-2k` beside the repository (as in CI);
/// skipped otherwise (the data's licence keeps it out of the repository). ~24,000 messages: about a second.
final class LoghubAccuracyTests: XCTestCase {
    /// GA per data set as measured, less 0.005: a change that loses accuracy anywhere fails here.
    static let floors: [String: Double] = [
        "Android": 0.939, "Apache": 0.995, "BGL": 0.926, "HDFS": 0.993, "HPC": 0.900, "Hadoop": 0.989,
        "HealthApp": 0.897, "OpenSSH": 0.798, "OpenStack": 0.974, "Spark": 0.918, "Windows": 0.995, "Zookeeper": 0.984,
    ]

    func testGroupingAccuracyStaysAtItsFloor() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = ProcessInfo.processInfo.environment["LOGHUB_DIR"] ?? root.deletingLastPathComponent().appendingPathComponent("shared/loghub-2k").path
        guard FileManager.default.fileExists(atPath: dir + "/drain3_baseline.py") else {
            throw XCTSkip("no Loghub-2k data at \(dir)")
        }
        var total = 0.0
        for (name, floor) in Self.floors.sorted(by: { $0.key < $1.key }) {
            let csv = try String(contentsOfFile: "\(dir)/\(name)/\(name)_2k.log_structured_corrected.csv", encoding: .utf8)
            let rows = CSV.rows(csv)
            let header = try XCTUnwrap(rows.first)
            let content = try XCTUnwrap(header.firstIndex(of: "Content")), event = try XCTUnwrap(header.firstIndex(of: "EventId"))
            let labelled = rows.dropFirst().filter { $0.count == header.count && !$0[event].isEmpty }
            let miner = PatternMiner()
            let predicted = labelled.map { miner.assign($0[content]) }
            let ga = Self.groupingAccuracy(truth: labelled.map { $0[event] }, predicted: predicted)
            total += ga
            XCTAssertGreaterThanOrEqual(ga, floor, "\(name): GA \(ga)")
        }
        XCTAssertGreaterThanOrEqual(total / Double(Self.floors.count), 0.94)
    }

    /// LogPAI's definition: a message is right iff its predicted group has exactly its true group's members.
    static func groupingAccuracy<P: Hashable>(truth: [String], predicted: [P]) -> Double {
        var truthGroups: [String: [Int]] = [:], predictedGroups: [P: [Int]] = [:]
        for i in truth.indices {
            truthGroups[truth[i], default: []].append(i)
            predictedGroups[predicted[i], default: []].append(i)
        }
        var correct = 0
        for members in predictedGroups.values where truthGroups[truth[members[0]]] == members {
            correct += members.count
        }
        return Double(correct) / Double(truth.count)
    }

    func testGroupingAccuracyDefinition() {
        // Group x is exactly true group A: its 2 messages count; y holds B and C together: none count.
        XCTAssertEqual(Self.groupingAccuracy(truth: ["A", "A", "B", "C"], predicted: ["x", "x", "y", "y"]), 0.5)
        // A split true group counts for nothing, even its larger part.
        XCTAssertEqual(Self.groupingAccuracy(truth: ["A", "A", "A", "B"], predicted: ["x", "x", "z", "y"]), 0.25)
    }
}

/// RFC 4180 rows: quoted fields with doubled quotes, commas and newlines inside quotes.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field: [UInt8] = []
        var quoted = false
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") {
                quoted = true
            } else if b == UInt8(ascii: ",") {
                row.append(String(decoding: field, as: UTF8.self)); field = []
            } else if b == 0x0A {
                row.append(String(decoding: field, as: UTF8.self)); field = []
                rows.append(row); row = []
            } else if b != 0x0D {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { row.append(String(decoding: field, as: UTF8.self)); rows.append(row) }
        return rows
    }
}
