import Foundation
import Testing
import TestSupport
@testable import Alarms

/// Alarm events go to monthly indices (`logbridge-alarms-YYYY.MM`), created by the first alarm of the month and
/// deleted by a lifecycle policy that counts from the index's creation. Whatever day that first alarm comes, the
/// month's last alarm must stay at least 30 days. The engine here (osmem) runs neither ILM nor ISM, so the
/// policies' conditions are checked against the index names the alarm job computes, not executed.
@Suite struct AlarmRetentionTests {
    static let retentionDays = 30.0

    func policy(_ file: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.packageRoot + "/Mappings/policies/" + file))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func days(_ value: Any?) throws -> Double {
        let text = try #require(value as? String)
        #expect(text.hasSuffix("d"), "\(text)")
        return try #require(Double(text.dropLast()))
    }

    /// Days after the index's creation when each engine's alarm policy deletes it.
    func deletionAges() throws -> [String: Double] {
        let ilm = try policy("ilm-logbridge-alarms.json")["policy"] as? [String: Any]
        let ilmDelete = (ilm?["phases"] as? [String: Any])?["delete"] as? [String: Any]
        let ism = try policy("ism-logbridge-alarms.json")["policy"] as? [String: Any]
        let hot = (ism?["states"] as? [[String: Any]])?.first { $0["name"] as? String == "hot" }
        let toDelete = (hot?["transitions"] as? [[String: Any]])?.first { $0["state_name"] as? String == "delete" }
        return ["ILM": try days(ilmDelete?["min_age"]),
                "ISM": try days((toDelete?["conditions"] as? [String: Any])?["min_index_age"])]
    }

    @Test func aPastMonthsAlarmIndexKeepsItsDocumentsUntilThirtyDaysAfterTheMonthEnds() throws {
        let ages = try deletionAges()
        // A 28-, 29-, 30- and 31-day month.
        for (first, next) in [("2026-02-01", "2026-03-01"), ("2028-02-01", "2028-03-01"), ("2026-04-01", "2026-05-01"),
                              ("2026-12-01", "2027-01-01")] {
            let start = try #require(Timestamps.parse(first)), end = try #require(Timestamps.parse(next))
            let lastAlarm = end - 0.001
            let index = Timestamps.monthIndex(StateStore.historyPrefix, start)
            // The month's first and last alarm share the index, and no alarm of the next month goes there.
            #expect(Timestamps.monthIndex(StateStore.historyPrefix, lastAlarm) == index)
            #expect(Timestamps.monthIndex(StateStore.historyPrefix, end) != index)
            #expect(index.hasPrefix("logbridge-alarms-2") && index != StateStore.stateIndex)
            for (engine, age) in ages {
                // Earliest creation: the first alarm comes in the month's first second.
                let deleted = start + age * 86_400
                #expect(deleted >= lastAlarm + Self.retentionDays * 86_400,
                        "\(engine): \(index) deleted \((deleted - lastAlarm) / 86_400) days after its last alarm")
                // Latest creation (the month's last second): still deleted within a retention plus two months.
                #expect(lastAlarm + age * 86_400 - start <= (Self.retentionDays + 62) * 86_400)
            }
        }
    }

    @Test func theAlarmPolicyAttachesToTheMonthlyIndicesAndNeverToTheStateIndex() throws {
        let ism = try policy("ism-logbridge-alarms.json")["policy"] as? [String: Any]
        let patterns = ((ism?["ism_template"] as? [[String: Any]]) ?? []).flatMap { $0["index_patterns"] as? [String] ?? [] }
        #expect(patterns == ["logbridge-alarms-2*"])
        let index = Timestamps.monthIndex(StateStore.historyPrefix, try #require(Timestamps.parse("2026-11-29")))
        #expect(index == "logbridge-alarms-2026.11")
        #expect(index.hasPrefix(patterns[0].dropLast()) && !StateStore.stateIndex.hasPrefix(patterns[0].dropLast()))
    }
}
