@testable import Alarms
import Config
import Foundation
import Testing
import TestSupport

/// ElastAlert's `aggregation`: one notification per period listing the keys, for the notification sinks only
/// (the state sinks keep each key's raise and clear), across restarts.
@Suite(.serialized) struct AggregationTests {
    let index = "logs-system.journal-2026.11.29"

    func burstRule(_ receiver: HTTPReceiver, _ influx: InfluxDB, extra: String = "") throws -> Rule {
        try rule("""
            name: burst
            type: frequency
            index: logs-system.journal-*
            query_key: host.name
            num_events: 3
            timeframe: 5m
            run_every: 1m
            realert: 1h
            aggregation: {minutes: 10}
            summary_table_fields: [host.name, severity]
            alert: [post, o2_monitoring]
            http_post_url: '\(receiver.url)/hook'
            o2_monitoring: {transport: http, url: '\(influx.httpURL)/write?db=o2', measurement: burst}
            \(extra)
            """)
    }

    /// Three hosts burst within one ten-minute period (two at once, one later): the webhook gets nothing until the
    /// period ends, then exactly one post listing the three (raises and clears, a summary table), while InfluxDB
    /// got each host's raise and clear as they happened. A fourth host later opens a new period: a second post.
    /// The job is restarted twice (new owners, only the cluster's state in common), once inside the first period
    /// and once right after its summary: nothing held is lost and nothing is sent twice.
    @Test func oneNotificationPerPeriodListingTheKeysAcrossRestarts() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let influx = try InfluxDB()
        defer { influx.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        func burst(_ host: String, at: Double) -> [[String: Any]] { (0..<3).map { doc(at + Double($0), host: host) } }
        try cluster.seed(index, burst("flp001", at: t0 + 10) + burst("flp002", at: t0 + 20) + burst("flp003", at: t0 + 200)
                         + burst("flp004", at: t0 + 700))
        let r = try burstRule(receiver, influx)
        var postsAfter: [Int: Int] = [:]
        var summaries: [AlarmEvent] = []
        for minute in 1...22 {
            // Owner a until minute 5, b until minute 11 (the first summary), c after it.
            let owner = minute <= 5 ? "a" : minute <= 11 ? "b" : "c"
            let report = try job([r], cluster, owner: owner).runCycle(now: t0 + Double(minute) * 60)
            #expect(report.sinkErrors.isEmpty && report.rules.allSatisfy { $0.error == nil }, "\(report.sinkErrors) \(report.rules.map(\.error))")
            summaries += report.rules.flatMap(\.summaries)
            postsAfter[minute] = receiver.requests.count
        }
        // The first period opens with the raises of the window ending t0+60 and is due ten minutes later.
        #expect((1...10).allSatisfy { postsAfter[$0] == 0 }, "\(postsAfter.sorted { $0.key < $1.key })")
        #expect(postsAfter[11] == 1 && postsAfter[21] == 1 && postsAfter[22] == 2, "\(postsAfter.sorted { $0.key < $1.key })")
        #expect(summaries.map { $0.time - t0 } == [660, 1320])

        let posts = receiver.requests.compactMap(\.json)
        try #require(posts.count == 2)
        let first = posts[0], second = posts[1]
        let aggregation = first["aggregation"] as? [String: Any]
        #expect(aggregation?["keys"] as? [String] == ["flp001", "flp002", "flp003"], "\(first)")
        #expect(aggregation?["events"] as? Int == 6)    // three raises, three clears
        #expect(first["state"] as? String == "raised" && first["rule"] as? String == "burst")
        let text = first["text"] as? String ?? ""
        #expect(text.contains("**burst: 6 alarm event(s) for 3 key(s) in 10m: flp001; flp002; flp003**"), "\(text)")
        // The ElastAlert summary table: one row per host with the count of raises, most frequent first.
        #expect(text.contains("Aggregation resulted in the following data for summary_table_fields ==> ['host.name', 'severity', 'count']:"), "\(text)")
        #expect(text.contains("| host.name | severity | count |"), "\(text)")
        for host in ["flp001", "flp002", "flp003"] {
            #expect(text.contains("| \(host)    | warning  | 1     |"), "\(text)")
            #expect(text.contains("- burst: \(host): 3 events in 5m") && text.contains("- [cleared] burst: \(host): "), "\(text)")
        }
        #expect((second["aggregation"] as? [String: Any])?["keys"] as? [String] == ["flp004"], "\(second)")

        // The state sink saw every key raised and cleared when it happened, not grouped.
        var points: [[String: Any]] = []
        try Daemon.waitFor("points in burst", timeout: 5) { points = influx.points("burst"); return points.count == 8 }
        let byHost = Dictionary(grouping: points) { $0["host"] as? String ?? "" }.mapValues { $0.map { $0["value"] as? Int ?? -1 } }
        #expect(byHost == ["flp001": [1, 0], "flp002": [1, 0], "flp003": [1, 0], "flp004": [1, 0]], "\(points)")

        // Nothing left held: the state has no open period.
        let state = try cluster.osmem.documents(StateStore.stateIndex)
        #expect(!state.contains { $0.source["kind"] as? String == "aggregation" }, "\(state.map(\.source))")
    }

    /// `aggregation_key`: one period and summary per value; the `command` alerter gets every held match as
    /// ElastAlert pipes them (a JSON list), its arguments from the first; markdown table, prefix, suffix, max rows.
    @Test func aggregationKeyAndCommandGetOneRunPerPeriod() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        let dir = try temporaryDirectory("lb-aggregation")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/notify.sh"
        try """
            #!/bin/sh
            n=$(ls "\(dir)" | grep -c '[.]args$')
            printf '%s\\n' "$@" > "\(dir)/call-$n.args"
            cat > "\(dir)/call-$n.stdin"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        var seed: [[String: Any]] = []
        for (n, host) in ["flp001", "flp002", "flp003"].enumerated() {
            let rack = n < 2 ? "rack-a" : "rack-b"
            seed += (0..<3).map { doc(t0 + 10 + Double($0), host: host, process: rack) }
        }
        try cluster.seed(index, seed)
        let r = try rule("""
            name: burst
            type: frequency
            index: logs-system.journal-*
            query_key: [host.name, process.name]
            num_events: 3
            timeframe: 5m
            run_every: 1m
            realert: 1h
            aggregation: 5m
            aggregation_key: process.name
            summary_table_fields: [host.name]
            summary_table_type: markdown
            summary_table_max_rows: 1
            summary_prefix: "Racks:"
            summary_suffix: "-- the shifter"
            alert: [command]
            command: ["\(script)", "%(process.name)s", "{match[num_hits]}"]
            pipe_match_json: true
            """)
        var summaries: [AlarmEvent] = []
        for minute in 1...6 { summaries += try job([r], cluster).runCycle(now: t0 + Double(minute) * 60).rules.flatMap(\.summaries) }
        // Two racks: two summaries at the period's end (t0+60 + 5m), each listing its own hosts.
        #expect(summaries.map(\.key).sorted() == ["rack-a", "rack-b"], "\(summaries.map(\.subject))")
        #expect(summaries.allSatisfy { $0.time == t0 + 360 })
        let calls = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".stdin") }.sorted()
        #expect(calls.count == 2, "\(calls)")
        var piped: [String: [[String: Any]]] = [:]
        for call in calls {
            let matches = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + call))) as? [[String: Any]] ?? []
            let args = try String(contentsOfFile: dir + "/" + call.replacingOccurrences(of: ".stdin", with: ".args"), encoding: .utf8)
            let rack = matches.first?["process.name"] as? String ?? "?"
            piped[rack] = matches
            #expect(args == "\(rack)\n3\n", "\(args)")
        }
        #expect(piped["rack-a"]?.compactMap { $0["host.name"] as? String } == ["flp001", "flp002"], "\(piped)")
        #expect(piped["rack-b"]?.compactMap { $0["host.name"] as? String } == ["flp003"], "\(piped)")
        let rackA = try #require(summaries.first { $0.key == "rack-a" })
        #expect(rackA.text.hasPrefix("Racks:\nAggregation resulted in the following data for summary_table_fields ==> ['host.name', 'count']:\n\n| host.name | count |\n|-----|-----|\n| flp001 | 1 |\n\nShowing top 1 rows\n-- the shifter\n"), "\(rackA.text)")
        #expect(rackA.fields["process.name"] == "rack-a")
    }

    @Test func badAggregationOptionsNameFileLineAndKey() throws {
        let head = "name: a\ntype: frequency\nindex: x\nnum_events: 3\ntimeframe: 5m\nquery_key: host.name\n"
        let post = "alert: [post]\nhttp_post_url: http://x/hook\n"
        let cases: [(String, Int, String, String)] = [
            (head + post + "aggregation: {schedule: '*/5 * * * *'}\n", 9, "aggregation", "cron schedule is not supported"),
            (head + post + "aggregation: {minutes: 0}\n", 9, "aggregation", "must be longer than 0s"),
            (head + "alert: [o2_monitoring]\naggregation: 10m\n", 8, "aggregation", "this rule's alert has none"),
            (head + post + "aggregation: 10m\nsummary_table_fields: [host.name, message]\n", 10, "summary_table_fields", "\"message\" is not a field of the alarm"),
            (head + post + "aggregation: 10m\naggregation_key: [host.name, process.name]\n", 10, "aggregation_key", "expected one field name"),
            (head + post + "aggregation: 10m\nsummary_table_fields: host.name\nsummary_table_type: html\n", 11, "summary_table_type", "expected ascii or markdown"),
            (head + post + "aggregation: 10m\nsummary_table_fields: host.name\nsummary_table_max_rows: 0\n", 11, "summary_table_max_rows", "must be at least 1"),
            (head + post + "aggregation: 10m\nsummary_table_max_rows: 5\n", 10, "summary_table_max_rows", "summary_table_fields is not"),
            (head + post + "summary_table_fields: [host.name]\n", 9, "summary_table_fields", "the rule has no aggregation"),
            (head + post + "aggregation: 10m\naggregate_by_match_time: true\n", 10, "aggregate_by_match_time", "only false is accepted"),
        ]
        for (yaml, line, key, message) in cases {
            do {
                _ = try rule(yaml)
                Issue.record("accepted: \(yaml)")
            } catch let e as ConfigError {
                #expect(e.file.hasSuffix("test.yaml") && e.line == line && e.keyPath == key && e.message.contains(message), "\(e)")
            }
        }
        let ok = try rule(head + post + "aggregation: {hours: 1}\naggregation_key: host.name\nsummary_table_fields: [host.name, key, num_hits]\naggregate_by_match_time: false\n")
        #expect(ok.aggregation == AggregationSpec(period: 3600, key: "host.name", tableFields: ["host.name", "key", "num_hits"]))
    }
}

/// A composite key (new_term's `fields`, a `query_key` list) reads with its field names in every text, and stays
/// the same key for the state.
@Suite(.serialized) struct CompositeKeyTextTests {
    @Test func newTermKeyReadsWithFieldNames() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        let index = "logs-system.journal-2026.11.29"
        try cluster.createIndex(index)
        func located(_ at: Double, file: String, line: Int) -> [String: Any] {
            doc(at, host: "flp001", process: "o2-qc", extra: ["log": ["level": "err", "origin": ["file": ["name": file, "line": line]]]])
        }
        try cluster.seed(index, [located(t0 - 86_400, file: "src/Other.cxx", line: 10), located(t0 + 30, file: "src/TaskRunner.cxx", line: 321)])
        let r = try rule("""
            name: new-error-source
            type: new_term
            index: logs-system.journal-*
            fields: [process.name, log.origin.file.name, log.origin.file.line]
            run_every: 1m
            buffer_time: 5m
            alert_text: "new source {0}"
            alert_text_args: [key]
            alert: [post]
            http_post_url: '\(receiver.url)/hook'
            """)
        let report = try job([r], cluster).runCycle(now: t0 + 60)
        let raised = try #require(report.events.first { $0.state == .raised }, "\(report.events)")
        let label = "process.name=o2-qc, log.origin.file.name=src/TaskRunner.cxx, log.origin.file.line=321"
        #expect(raised.key == "321/src/TaskRunner.cxx/o2-qc")   // the identity the state and labels keep
        #expect(raised.subject == "new-error-source: \(label) (host flp001): new term \(label) (1 event(s))", "\(raised.subject)")
        #expect(raised.text == "new source \(label)", "\(raised.text)")
        let post = try #require(receiver.requests.first?.json)
        #expect(post["key"] as? String == "321/src/TaskRunner.cxx/o2-qc")
        #expect((post["text"] as? String ?? "").contains(label), "\(post)")
    }
}
