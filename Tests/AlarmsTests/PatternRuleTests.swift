@testable import Alarms
import Config
import Foundation
import Patterns
import Testing
import TestSupport

/// `new_pattern` and `pattern_rate` on a real osmem-server: log documents whose `log.pattern.id` the shipper's own
/// miner computed from real-looking messages, and catalogue documents in the catalogue's schema.
@Suite struct PatternRuleTests {
    let index = "logs-system.journal-2026.11.29"

    /// One miner for the whole data set, as one input's shipper would: each message gets the id it would ship with.
    final class Mined {
        let miner = PatternMiner()
        func id(_ message: String) -> String { miner.assign(message).description }
        func doc(_ at: Double, host: String, _ message: String, level: String = "info", process: String = "o2-readout-exe") -> [String: Any] {
            AlarmsTests.doc(at, host: host, message: message, process: process,
                            extra: ["log": ["level": level, "pattern": ["id": id(message)]]])
        }
    }

    /// The log index and the monthly catalogue indices as `setup` maps them (`log.pattern.id` is in the ECS
    /// component; the catalogue's mapping is strict, so a document off its schema fails the seeding).
    func cluster(catalogue: [String] = []) throws -> Cluster {
        let cluster = try Cluster()
        try cluster.createIndex(index)
        for name in catalogue { try cluster.createIndex(name, components: ["logbridge-patterns"]) }
        return cluster
    }

    /// Routine traffic: three kinds of message per host per minute over [from, to).
    func routine(_ m: Mined, hosts: [String], from: Double, to: Double) -> [[String: Any]] {
        var out: [[String: Any]] = []
        var t = from, n = 0
        while t < to {
            for (h, host) in hosts.enumerated() {
                out.append(m.doc(t + Double(h), host: host, "Readout loop: \(100 + n % 50) superpages pushed to FMQ channel readout"))
                out.append(m.doc(t + Double(h) + 10, host: host, "Session \(n * 7 + h) opened for user flpproxy by uid=0"))
                out.append(m.doc(t + Double(h) + 20, host: host, "CRU 0 link \(n % 12) status OK, buffer fill \(n % 90)%"))
            }
            t += 60; n += 1
        }
        return out
    }

    /// Twelve kinds of message no host logged before, within ten seconds on one host.
    static let burst = [
        "GPU 3: ECC double-bit error at address 0x7f3a2c00, page retired",
        "NVRM: Xid 79, GPU has fallen off the bus",
        "ib0: link state changed to DOWN after 4 retries",
        "mlx5_core 0000:3b:00.0: firmware health compromised, syndrome 0x8",
        "EDAC MC1: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0",
        "readout: DMA engine 2 stalled, descriptor queue empty",
        "xfs_log_force: error -5 returned",
        "nfs: server alio2-cr1-fs01 not responding, still trying",
        "systemd-coredump: Process 4410 (o2-readout-exe) of user 1000 dumped core",
        "bonding: bond0: link status definitely down for interface ens1f1",
        "watchdog: BUG: soft lockup - CPU#12 stuck for 22s",
        "FairMQ device stuck in state RUNNING, no heartbeat from peer",
    ]

    static let newPatternRule = """
        name: new-pattern
        type: new_pattern
        index: logs-system.journal-*
        query_key: host.name
        pattern_source: logs
        history: 1h
        buffer_time: 5m
        run_every: 1m
        realert: 0m
        """

    @Test func aBurstOfNewPatternsIsOneAlarmThatClears() throws {
        let m = Mined()
        let cluster = try cluster()
        defer { cluster.stop() }
        var seed = routine(m, hosts: ["flp001", "flp002"], from: t0 - 3600, to: t0 + 900)
        seed += Self.burst.enumerated().map { m.doc(t0 + 330 + Double($0.offset) * 0.5, host: "flp001", $0.element, level: "err", process: "kernel") }
        try cluster.seed(index, seed)
        let r = try rule(Self.newPatternRule)

        let first = try job([r], cluster).runCycle(now: t0 + 300)
        #expect(first.events.isEmpty, "\(first.events.map(\.subject))")
        let raised = try job([r], cluster).runCycle(now: t0 + 360)
        #expect(raised.rules.allSatisfy { $0.error == nil }, "\(raised.rules.map(\.error))")
        #expect(raised.events.count == 1, "\(raised.events.map(\.subject))")
        let e = try #require(raised.events.first)
        #expect(e.state == .raised && e.key == "flp001" && e.value == 12)
        #expect(e.fields["host.name"] == "flp001")
        #expect(e.fields["log.pattern.id"]?.split(separator: ",").count == 12)
        // The first few templates, in order of appearance, then how many more; the text adds an example.
        #expect(e.subject.hasPrefix("new-pattern: flp001: 12 new patterns: "), "\(e.subject)")
        #expect(e.subject.contains(#""GPU <*> ECC double-bit error at address <*> page retired""#), "\(e.subject)")
        #expect(e.subject.contains("and 7 more"), "\(e.subject)")
        #expect(e.text.contains("example: GPU 3: ECC double-bit error at address 0x7f3a2c00, page retired"), "\(e.text)")

        // The next window still covers the burst (buffer_time) but announces nothing: the alarm clears.
        let cleared = try job([r], cluster).runCycle(now: t0 + 420)
        #expect(cleared.events.map(\.state) == [.cleared], "\(cleared.events.map(\.subject))")
        // Another instance (or a restart) taking the rule over while the burst is still inside buffer_time: nothing.
        let other = try job([r], cluster, owner: "other").runCycle(now: t0 + 480)
        #expect(other.events.isEmpty, "\(other.events.map(\.subject))")
    }

    @Test func aKeyWithoutHistoryIsLearningNotAlarming() throws {
        let m = Mined()
        let cluster = try cluster()
        defer { cluster.stop() }
        // flp003 starts logging inside the window: all its patterns are new to it, but it has no history at all.
        var seed = routine(m, hosts: ["flp001"], from: t0 - 3600, to: t0 + 400)
        seed += routine(m, hosts: ["flp003"], from: t0 + 320, to: t0 + 400)
        try cluster.seed(index, seed)
        let r = try rule(Self.newPatternRule)
        _ = try job([r], cluster).runCycle(now: t0 + 300)
        let report = try job([r], cluster).runCycle(now: t0 + 360)
        #expect(report.events.isEmpty, "\(report.events.map(\.subject))")
    }

    @Test func neverSeenIsJudgedOverTheWholeCatalogue() throws {
        let cluster = try cluster(catalogue: ["logbridge-patterns-2026.10", "logbridge-patterns-2026.11"])
        defer { cluster.stop() }
        let m = Mined()
        let routineMessage = "Session 12 opened for user flpproxy by uid=0"
        let xid = "NVRM: Xid 79, GPU has fallen off the bus"
        let nfs = "nfs: server alio2-cr1-fs01 not responding, still trying"
        func entry(_ message: String, host: String, firstSeen: Double, input: String = "journal") -> [String: Any] {
            ["@timestamp": Timestamps.format(t0 + 400), "host": ["name": host], "data_stream": ["dataset": "system.journal"],
             "logbridge": ["input": input],
             "log": ["pattern": ["id": m.id(message), "template": PatternRules.template(of: message), "example": message,
                                 "first_seen": Timestamps.format(firstSeen), "last_seen": Timestamps.format(t0 + 400), "count": 3]]]
        }
        // flp001: the routine pattern for a month, the Xid error new in this window.
        // flp002: the nfs message is new in this month's index (its journal input lost its state), but the same
        // host's file input recorded it in October: not new.
        try cluster.seed("logbridge-patterns-2026.10", [entry(nfs, host: "flp002", firstSeen: t0 - 40 * 86_400, input: "messages")])
        try cluster.seed("logbridge-patterns-2026.11", [
            entry(routineMessage, host: "flp001", firstSeen: t0 - 30 * 86_400), entry(routineMessage, host: "flp002", firstSeen: t0 - 30 * 86_400),
            entry(xid, host: "flp001", firstSeen: t0 + 330), entry(nfs, host: "flp002", firstSeen: t0 + 335),
        ])
        let r = try rule("""
            name: new-pattern-catalogue
            type: new_pattern
            index: logs-*
            query_key: host.name
            buffer_time: 5m
            """)
        guard case .newPattern(let o) = r.kind else { Issue.record("kind \(r.kind)"); return }
        #expect(PatternRules.usesCatalogue(r, o))
        _ = try job([r], cluster).runCycle(now: t0 + 300)
        let report = try job([r], cluster).runCycle(now: t0 + 360)
        #expect(report.rules.allSatisfy { $0.error == nil }, "\(report.rules.map(\.error))")
        #expect(report.events.map(\.key) == ["flp001"], "\(report.events.map(\.subject))")
        let e = try #require(report.events.first)
        // The catalogue's template (here what the shipper's miner makes of the message).
        #expect(e.subject == "new-pattern-catalogue: flp001: 1 new pattern: \(PatternRules.short(m.id(xid))) \"\(PatternRules.template(of: xid))\"",
                "\(e.subject)")
        #expect(e.text.contains("example: " + xid) && e.fields["log.pattern.id"] == m.id(xid), "\(e.text)")
    }

    /// 13 ten-minute windows ending at `end`: `readout` runs at ~30 per window then `burst` in the last one,
    /// `heartbeat` at ~40 then `dip`, `rare` at 1 then 8.
    func rateData(_ m: Mined, end: Double, burst: Int, dip: Int, rare: Int = 8) -> [[String: Any]] {
        var seed: [[String: Any]] = []
        for w in 0..<13 {
            let start = end - Double(13 - w) * 600
            let last = w == 12
            let readout = last ? burst : 26 + (w * 5) % 9
            let heartbeat = last ? dip : 37 + (w * 3) % 7
            for i in 0..<readout {
                seed.append(m.doc(start + Double(i) * 600 / Double(readout), host: "flp001",
                                  "Readout: dropped \(i % 17 + 1) superpages on link \(i % 12), FIFO full"))
            }
            for i in 0..<heartbeat {
                seed.append(m.doc(start + 1 + Double(i) * 600 / Double(heartbeat), host: "flp001", "DCS heartbeat \(w * 100 + i) received from alio2-cr1-dcs0\(i % 3)"))
            }
            for i in 0..<(last ? rare : 1) {
                seed.append(m.doc(start + 2 + Double(i), host: "flp002", "Configuration reloaded in \(i + 3) ms"))
            }
        }
        return seed
    }

    static let rateRule = """
        name: pattern-rate
        type: pattern_rate
        index: logs-system.journal-*
        query_key: host.name
        timeframe: 10m
        run_every: 10m
        history_windows: 12
        min_count: 20
        direction: both
        realert: 0m
        """

    @Test func rateUpAndDownAgainstTheMedianAndClears() throws {
        let m = Mined()
        let cluster = try cluster()
        defer { cluster.stop() }
        let end = t0 + 7800
        var seed = rateData(m, end: end, burst: 1240, dip: 2)
        // The window after: back to normal.
        seed += (0..<30).map { m.doc(end + Double($0) * 20, host: "flp001", "Readout: dropped \($0 % 17 + 1) superpages on link \($0 % 12), FIFO full") }
        seed += (0..<40).map { m.doc(end + 1 + Double($0) * 15, host: "flp001", "DCS heartbeat \(5000 + $0) received from alio2-cr1-dcs0\($0 % 3)") }
        try cluster.seed(index, seed)
        let readout = m.id("Readout: dropped 1 superpages on link 0, FIFO full")
        let heartbeat = m.id("DCS heartbeat 1 received from alio2-cr1-dcs00")

        let r = try rule(Self.rateRule)
        let report = try job([r], cluster).runCycle(now: end)
        #expect(report.rules.allSatisfy { $0.error == nil }, "\(report.rules.map(\.error))")
        let raised = Dictionary(uniqueKeysWithValues: report.events.map { ($0.key, $0) })
        // `rare` went from 1 to 8: below min_count, not an alarm.
        #expect(Set(raised.keys) == ["flp001/" + readout, "flp001/" + heartbeat], "\(report.events.map(\.subject))")
        let up = try #require(raised["flp001/" + readout])
        #expect(up.value == 1240 && up.fields["log.pattern.id"] == readout && up.fields["host.name"] == "flp001")
        #expect(up.subject.contains("pattern \(readout.prefix(8))…: 1,240 in 10m, usual 29.5 ± 5.4 (up ×42.0"), "\(up.subject)")
        #expect(up.subject.hasSuffix("(template: Readout: dropped <*> superpages on link <*> FIFO full)"), "\(up.subject)")
        #expect(up.text.contains("example: Readout: dropped"), "\(up.text)")
        let down = try #require(raised["flp001/" + heartbeat])
        #expect(down.value == 2 && down.subject.contains("2 in 10m, usual 40 ± 6.3 (down ×0.1"), "\(down.subject)")

        let next = try job([r], cluster).runCycle(now: end + 600)
        #expect(next.events.map(\.state) == [.cleared, .cleared], "\(next.events.map(\.subject))")
    }

    @Test func directionAndMinCountDecide() throws {
        let m = Mined()
        let cluster = try cluster()
        defer { cluster.stop() }
        let end = t0 + 7800
        try cluster.seed(index, rateData(m, end: end, burst: 200, dip: 2, rare: 30))
        let readout = m.id("Readout: dropped 1 superpages on link 0, FIFO full")
        let heartbeat = m.id("DCS heartbeat 1 received from alio2-cr1-dcs00")
        let rare = m.id("Configuration reloaded in 3 ms")
        func keys(_ extra: String) throws -> Set<String> {
            let yaml = Self.rateRule.replacingOccurrences(of: "direction: both\nmin_count: 20\n", with: "")
                .replacingOccurrences(of: "min_count: 20\ndirection: both\n", with: "") + "\n" + extra
            let report = try job([try rule(yaml)], cluster) { $0.dryRun = true }.runCycle(now: end)
            return Set(report.events.map(\.key))
        }
        #expect(try keys("direction: up\nmin_count: 20\n") == ["flp001/" + readout, "flp002/" + rare])
        #expect(try keys("direction: down\nmin_count: 20\n") == ["flp001/" + heartbeat])
        // rare: 1 → 30 passes min_count 20, not 50; heartbeat's median 40 is below min_count 50, so no dip either.
        #expect(try keys("direction: both\nmin_count: 50\n") == ["flp001/" + readout])
        // ratio: 200 is ×6.7 the usual 30, not ×10.
        #expect(try keys("direction: up\nmin_count: 20\nratio: 10\n") == ["flp002/" + rare])
    }

    @Test func baselineIsMedianAndRobustSpread() {
        let b = PatternRules.Baseline([26, 31, 27, 32, 28, 33, 29, 34, 30, 26, 31, 27])
        #expect(b.median == 29.5)
        #expect(abs(b.sd - 5.43) < 0.01)  // √29.5 > 1.4826 × MAD (2.5 → 3.7)
        let spiky = PatternRules.Baseline([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 500, 10])
        #expect(spiky.median == 10 && abs(spiky.sd - 10.0.squareRoot()) < 1e-9)  // one outlying window does not widen it
        #expect(PatternRules.grouped(1240) == "1,240" && PatternRules.grouped(1_234_567) == "1,234,567" && PatternRules.decimal(5.43) == "5.4")
    }

    @Test func replayAgreesWithAlarmsRun() throws {
        let m = Mined()
        let cluster = try cluster()
        defer { cluster.stop() }
        let end = t0 + 7800
        var seed = rateData(m, end: end, burst: 400, dip: 3)
        seed += routine(m, hosts: ["flp001", "flp002"], from: t0 - 3600, to: t0 + 7800)
        // The rate rule's patterns were known on their hosts before: they are not new patterns.
        seed += [m.doc(t0 - 3000, host: "flp001", "Readout: dropped 1 superpages on link 0, FIFO full"),
                 m.doc(t0 - 3000, host: "flp001", "DCS heartbeat 1 received from alio2-cr1-dcs00"),
                 m.doc(t0 - 3000, host: "flp002", "Configuration reloaded in 3 ms")]
        seed += Self.burst.prefix(4).enumerated().map { m.doc(t0 + 2000 + Double($0.offset), host: "flp002", $0.element) }
        let late = Array(Self.burst.suffix(3))
        seed += [m.doc(t0 + 5000, host: "flp001", late[0]), m.doc(t0 + 5030, host: "flp001", late[1]),
                 m.doc(t0 + 5400, host: "flp001", late[2])]
        try cluster.seed(index, seed)
        let rules = try [Self.newPatternRule, Self.rateRule.replacingOccurrences(of: "run_every: 10m", with: "run_every: 5m")].map { try rule($0) }

        let replay = try job(rules, cluster) { $0.dryRun = true }.backtest(from: t0, to: end)
        _ = try job(rules, cluster).runCycle(now: t0)
        let catchUp = try job(rules, cluster) { $0.maxCatchup = 7800; $0.catchUpFromSeries = false }.runCycle(now: end)
        func summary(_ events: [AlarmEvent]) -> [String] {
            events.map { "\(Int($0.time - t0)) \($0.rule) \($0.key) \($0.state.rawValue) \($0.value) \($0.subject)" }.sorted()
        }
        #expect(replay.rules.allSatisfy { $0.error == nil } && catchUp.rules.allSatisfy { $0.error == nil })
        #expect(summary(replay.events) == summary(catchUp.events))
        // The burst on flp002 (4 at once), two on flp001 (2, then 1 six minutes later: two alarms), and the rate at the end.
        let raised = replay.events.filter { $0.state == .raised }
        #expect(raised.filter { $0.rule == "new-pattern" }.map { "\($0.key) \(Int($0.value))" } == ["flp002 4", "flp001 2", "flp001 1"],
                "\(summary(replay.events))")
        #expect(raised.contains { $0.rule == "pattern-rate" && $0.value == 400 }, "\(summary(replay.events))")
    }

    @Test func optionsAreCheckedWithFileLineAndKey() throws {
        let cases: [(String, Int, String, String)] = [
            ("name: a\ntype: pattern_rate\nindex: x\ntimeframe: 10m\ndirection: sideways\n", 5, "direction", "expected up, down or both"),
            ("name: a\ntype: pattern_rate\nindex: x\n", 1, "", "missing required option \"timeframe\""),
            ("name: a\ntype: pattern_rate\nindex: x\ntimeframe: 10m\nhistory_windows: 2\n", 5, "history_windows", "at least 3"),
            ("name: a\ntype: pattern_rate\nindex: x\ntimeframe: 10m\nratio: 0.5\n", 5, "ratio", "at least 1"),
            ("name: a\ntype: new_pattern\nindex: x\nmin_count: 3\n", 4, "min_count", "applies to type pattern_rate"),
            ("name: a\ntype: new_pattern\nindex: x\npattern_source: cache\n", 4, "pattern_source", "expected auto, catalogue or logs"),
            ("name: a\ntype: new_pattern\nindex: x\nhistroy: 7d\n", 4, "histroy", "did you mean \"history\""),
            ("name: a\ntype: new_patern\nindex: x\n", 2, "type", "did you mean \"new_pattern\""),
        ]
        for (yaml, line, key, message) in cases {
            do {
                _ = try rule(yaml)
                Issue.record("accepted: \(yaml)")
            } catch let e as ConfigError {
                #expect(e.file.hasSuffix("test.yaml"))
                #expect(e.line == line, "\(e)")
                #expect(e.keyPath == key, "\(e)")
                #expect(e.message.contains(message), "\(e)")
            }
        }
    }

    @Test func sinksCarryThePatternIdAndHost() throws {
        let event = AlarmEvent(state: .raised, rule: "pattern-rate", key: "flp001/3f2a1b0c9d8e7f60",
                               fields: ["host.name": "flp001", "log.pattern.id": "3f2a1b0c9d8e7f60"], severity: "warning",
                               time: t0, raisedAt: t0, value: 1240, subject: "s", text: "t", notification: 1, reason: "r")
        let line = LineProtocolSink(transport: .udp(host: "127.0.0.1", port: 1), measurement: nil).line(event)
        #expect(line.contains(",host=flp001,pattern=3f2a1b0c9d8e7f60 value=1i"), "\(line)")
    }
}
