import Alarms
import Config
import Foundation
import Testing
import TestSupport

/// Alarms an on-call expert can trust: spike rules decide as ElastAlert 2 does (boundary, minimum counts,
/// warm-up), event-like rules announce each matching document once, and an alarm names what matched.
@Suite(.serialized) struct TrustTests {
    let index = "logs-system.journal-2026.11.29"
    /// The OOM-kill rule without query_key, as a user migrating from ElastAlert writes it; sinks and buffer follow.
    let oomRule = """
        name: oom
        type: any
        index: logs-system.journal-*
        filter:
          - term: {process.name: kernel}
          - query_string: {query: 'message:"Out of memory"'}
        run_every: 1m

        """

    /// current ≥ reference × spike_height fires (30 → 90 with height 3; 89 does not); `threshold_ref` and
    /// `threshold_cur` are minimum counts of the reference and current windows.
    @Test func spikeFiresAtTheBoundaryAndThresholdsAreMinimumCounts() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        // now = t0+600: reference window [t0, t0+300), current [t0+300, t0+600); every host logged before both.
        func burst(_ host: String, ref: Int, cur: Int) -> [[String: Any]] {
            [doc(t0 - 100, host: host)] + (0..<ref).map { doc(t0 + 10 + Double($0) * 0.5, host: host) }
                + (0..<cur).map { doc(t0 + 310 + Double($0) * 0.5, host: host) }
        }
        try cluster.seed(index, burst("flp001", ref: 30, cur: 90) + burst("flp002", ref: 30, cur: 89)
                         + burst("flp003", ref: 9, cur: 90) + burst("flp004", ref: 12, cur: 36) + burst("flp005", ref: 10, cur: 60))
        let r = try rule("""
            name: spike
            type: spike
            index: logs-system.journal-*
            query_key: host.name
            spike_height: 3
            spike_type: up
            threshold_ref: 10
            threshold_cur: 60
            timeframe: 5m
            """)
        let report = try job([r], cluster).runCycle(now: t0 + 600)
        #expect(report.rules.allSatisfy { $0.error == nil }, "\(report.rules.map(\.error))")
        // flp002: 89 < 30 × 3. flp003: reference 9 < threshold_ref 10. flp004: 36 = 12 × 3, but 36 < threshold_cur 60.
        // flp005: 10 and 60 are exactly the minimum counts, and 60 ≥ 10 × 3.
        let raised = report.events.filter { $0.state == .raised }
        #expect(Set(raised.map(\.key)) == ["flp001", "flp005"], "\(raised.map(\.subject))")
        #expect(raised.first { $0.key == "flp001" }?.value == 90)
    }

    /// The false alarm of a spike rule at the start of the data: 107 events against 33 in a reference window the
    /// data only began in. ElastAlert holds a key's spike alerts for two timeframes after its first event; so
    /// does LogBridge, and a real spike after the warm-up still fires.
    @Test func spikeWaitsUntilTheReferenceWindowIsCoveredByData() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        var seed: [[String: Any]] = (0..<33).map { doc(t0 + 200 + Double($0), host: "flp001") }   // data begins at t0+200
        seed += (0..<107).map { doc(t0 + 400 + Double($0), host: "flp001") }
        seed += (0..<20).map { doc(t0 + 1100 + Double($0), host: "flp001") }                    // after a quiet reference window
        try cluster.seed(index, seed)
        let r = try rule("""
            name: spike
            type: spike
            index: logs-system.journal-*
            spike_height: 2
            spike_type: up
            threshold_cur: 5
            timeframe: 5m
            run_every: 1m
            realert: 1h
            """)
        let report = try job([r], cluster).backtest(from: t0, to: t0 + 1200)
        let raised = report.events.filter { $0.state == .raised }
        // Warm-up: no window ending before t0+800 (two timeframes after the first event) may fire, although the one
        // ending at t0+600 compares 107 with 33.
        #expect(raised.allSatisfy { $0.time >= t0 + 800 }, "\(raised.map { ($0.time - t0, $0.subject) })")
        #expect(raised.map(\.time) == [t0 + 1140], "\(raised.map { ($0.time - t0, $0.subject) })")
    }

    /// One OOM-kill line is announced once, not once per window of its 15-minute buffer: twenty one-minute
    /// windows over two instances (the second one a restart elsewhere, reading the state from the cluster), a
    /// webhook counting what it received; a document indexed late (within buffer_time) is still caught, once.
    @Test func singleEventIsNotifiedOnceAcrossTwentyWindowsAndARestart() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        let oom = "Out of memory: Killed process 4242 (o2-readout-exe)"
        try cluster.seed(index, [doc(t0 + 30, host: "flp004", level: "err", message: oom, process: "kernel"),
                                 doc(t0 + 40, host: "flp005", level: "info", message: "NIC Link is Up", process: "kernel")])
        let r = try rule(oomRule + """
            buffer_time: 15m
            alert: [post]
            http_post_url: '\(receiver.url)/hook'
            """)
        var events: [AlarmEvent] = []
        let first = job([r], cluster, owner: "a")
        for minute in 1...10 { events += try first.runCycle(now: t0 + Double(minute) * 60).events }
        // A restart on another machine: a new process, a new owner, only the cluster's state in common.
        let second = job([r], cluster, owner: "b")
        for minute in 11...20 {
            if minute == 15 {
                // Stamped at t0+690 (four windows ago), indexed only now: inside buffer_time.
                try cluster.seed(index, [doc(t0 + 690, host: "flp006", level: "err", message: oom, process: "kernel")])
            }
            events += try second.runCycle(now: t0 + Double(minute) * 60).events
        }
        #expect(events.map(\.state) == [.raised, .cleared, .raised, .cleared], "\(events.map { ($0.state, $0.time - t0) })")
        #expect(events.map { $0.time - t0 } == [60, 120, 900, 960])
        #expect(events.filter { $0.state == .raised }.map(\.value) == [1, 1])
        let posted = receiver.requests.compactMap(\.json)
        #expect(posted.map { $0["state"] as? String } == ["raised", "cleared", "raised", "cleared"])
    }

    /// A rule without query_key names the culprit: the matching document's identifying fields in the subject and
    /// the sinks' fields, `host` as Alertmanager label and InfluxDB tag (on raise and on clear, so the clear
    /// resolves the same alert), `include` still added; matches from two hosts name no host.
    @Test func alarmWithoutQueryKeyNamesTheHostAndProcess() throws {
        let influx = try InfluxDB()
        defer { influx.stop() }
        let am = try Alertmanager()
        defer { am.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        let now = Date().timeIntervalSince1970.rounded(.down)
        let oom = "Out of memory: Killed process 4242 (o2-readout-exe)"
        try cluster.seed(index, [doc(now - 150, host: "flp004", level: "err", message: oom, process: "kernel",
                                     extra: ["systemd": ["unit": "readout.service"]])])
        let yaml = oomRule + """
            buffer_time: 5m
            include: [message]
            description: "The kernel killed a process: the node ran out of memory."
            alert: [alertmanager, o2_monitoring]
            alertmanager_hosts: ['\(am.url)']
            o2_monitoring: {transport: http, url: '\(influx.httpURL)/write?db=o2', measurement: oom}
            """
        let r = try rule(yaml)
        let raised = try job([r], cluster).runCycle(now: now - 120)
        #expect(raised.sinkErrors.isEmpty, "\(raised.sinkErrors)")
        let event = try #require(raised.events.first)
        #expect(event.key == "all")
        #expect(event.subject == "oom: host flp004, process kernel, unit readout.service: 1 matching event(s)", "\(event.subject)")
        #expect(event.fields["host.name"] == "flp004" && event.fields["process.name"] == "kernel" && event.fields["message"] == oom)
        let firing = am.activeAlerts()
        try #require(firing.count == 1, "\(firing)")
        #expect((firing[0]["labels"] as? [String: String])?["host"] == "flp004")
        #expect(((firing[0]["annotations"] as? [String: String])?["summary"] ?? "").contains("host flp004"))

        // The clear carries the same labels: Alertmanager resolves the alert it holds.
        let cleared = try job([r], cluster).runCycle(now: now - 60)
        #expect(cleared.events.map(\.state) == [.cleared] && cleared.events.first?.host == "flp004")
        #expect(am.activeAlerts().isEmpty, "\(am.activeAlerts())")
        var points: [[String: Any]] = []
        try Daemon.waitFor("points in oom", timeout: 5) { points = influx.points("oom"); return points.count == 2 }
        #expect(points.map { $0["host"] as? String } == ["flp004", "flp004"])
        #expect(points.map { $0["value"] as? Int } == [1, 0])

        // Two hosts in the same window: the alarm names no host (the latest document's process is still named).
        try cluster.seed(index, [doc(now - 30, host: "flp007", level: "err", message: oom, process: "kernel"),
                                 doc(now - 29, host: "flp008", level: "err", message: oom, process: "kernel")])
        let two = try job([r], cluster).runCycle(now: now)
        let both = try #require(two.events.first)
        #expect(both.state == .raised && both.host == nil && both.fields["process.name"] == "kernel", "\(both)")
        #expect(both.subject == "oom: process kernel: 2 matching event(s)", "\(both.subject)")
    }
}

/// ElastAlert's `command` alerter run as ElastAlert runs it: argv list with `%(field)s`/`{match[field]}`
/// arguments, the match JSON on standard input; a non-zero exit or a timeout is a failed delivery, kept and
/// delivered on the next cycle.
@Suite(.serialized) struct CommandSinkTests {
    let index = "logs-system.journal-2026.11.29"

    /// A real executable: records its arguments and standard input, exits with the code in `exit-code`.
    func script(_ dir: String) throws -> String {
        let path = dir + "/notify.sh"
        try """
            #!/bin/sh
            n=$(ls "\(dir)" | grep -c '[.]args$')
            printf '%s\\n' "$@" > "\(dir)/call-$n.args"
            cat > "\(dir)/call-$n.stdin"
            exit $(cat "\(dir)/exit-code" 2>/dev/null || echo 0)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    func commandRule(_ command: String, extra: String = "") throws -> Rule {
        try rule("""
            name: burst
            type: frequency
            index: logs-system.journal-*
            query_key: host.name
            num_events: 3
            timeframe: 5m
            realert: 1h
            alert: [command]
            command: \(command)
            pipe_match_json: true
            \(extra)
            """)
    }

    @Test func commandReceivesTheMatchJSONAndAFailureIsRetriedNextCycle() throws {
        let dir = try temporaryDirectory("lb-command")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<4).map { doc(t0 + 230 + Double($0), host: "flp009") })
        let r = try commandRule("['\(try script(dir))', '--host', '%(host.name)s', '{match[num_hits]} hits', '%(nope)s']")
        try "3".write(toFile: dir + "/exit-code", atomically: true, encoding: .utf8)
        let failed = try job([r], cluster).runCycle(now: t0 + 300)
        #expect(failed.sinkErrors.count == 1 && failed.sinkErrors[0].contains("exited with 3"), "\(failed.sinkErrors)")
        #expect(try cluster.osmem.documents("logbridge-alarms-state").contains { $0.id.hasPrefix("pending:command:") })

        try "0".write(toFile: dir + "/exit-code", atomically: true, encoding: .utf8)
        let delivered = try job([r], cluster).runCycle(now: t0 + 360)
        #expect(delivered.sinkErrors.isEmpty, "\(delivered.sinkErrors)")
        // Three failed attempts, then the kept raise on the next cycle.
        let calls = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".args") }.sorted()
        #expect(calls.count == 4, "\(calls)")
        let args = try String(contentsOfFile: dir + "/call-3.args", encoding: .utf8)
        #expect(args == "--host\nflp009\n4 hits\n<MISSING VALUE>\n", "\(args)")
        let stdin = try String(contentsOfFile: dir + "/call-3.stdin", encoding: .utf8)
        let matches = try #require(try JSONSerialization.jsonObject(with: Data(stdin.utf8)) as? [[String: Any]])
        #expect(matches.count == 1)
        #expect(matches[0]["host.name"] as? String == "flp009" && matches[0]["num_hits"] as? Int == 4)
        #expect(matches[0]["rule"] as? String == "burst" && matches[0]["state"] as? String == "raised")
        #expect(matches[0]["@timestamp"] as? String == Timestamps.format(t0 + 300))
    }

    @Test func aCommandThatHangsIsKilledAndCountsAsFailed() throws {
        let dir = try temporaryDirectory("lb-command")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<4).map { doc(t0 + 230 + Double($0), host: "flp009") })
        try "#!/bin/sh\nexec sleep 30\n".write(toFile: dir + "/hang.sh", atomically: true, encoding: .utf8)
        chmod(dir + "/hang.sh", 0o755)
        let r = try commandRule("['\(dir)/hang.sh']", extra: "command_timeout: 300ms")
        let began = Date()
        let report = try job([r], cluster).runCycle(now: t0 + 300)
        #expect(report.sinkErrors.count == 1 && report.sinkErrors[0].contains("killed"), "\(report.sinkErrors)")
        #expect(Date().timeIntervalSince(began) < 10)
    }

    @Test func shellFormWithPlaceholdersIsRefused() throws {
        #expect(throws: ConfigError.self) { try commandRule("'notify --host %(host.name)s'") }
        let shell = try commandRule("'cat > /dev/null'")
        guard case .command(let command)? = shell.sinks.first else { Issue.record("\(shell.sinks)"); return }
        #expect(command.shell && command.argv == ["cat > /dev/null"] && command.pipeMatchJSON && command.timeout == 10)
    }
}

/// `rules test` answers the windows of counting rules from a few bucketed searches (`ReplaySeries`); what it
/// finds must be what the window-by-window run finds (here: a catch-up over the same two hours).
@Suite struct ReplaySeriesTests {
    let index = "logs-system.journal-2026.11.29"

    /// Two hours of 12 hosts: flp010 goes silent after 40 minutes, flp011 bursts errors around 70 minutes, a few
    /// OOM kills; new_term's baseline two hours before; one pattern id per process and level.
    func seedData(_ cluster: Cluster) throws {
        try cluster.createIndex(index)
        var generator = SystemRandomNumberGenerator()
        var seed: [[String: Any]] = []
        for i in 0..<2400 {
            let at = t0 + Double(i) * 3 + Double.random(in: 0..<3, using: &generator)
            let host = "flp0\(10 + Int.random(in: 0..<12, using: &generator))"
            // flp010 goes silent after 40 minutes; flp011 bursts errors around 70 minutes; a few OOM kills.
            if host == "flp010", at > t0 + 2400 { continue }
            let burst = host == "flp011" && at > t0 + 4200 && at < t0 + 4500
            let oom = i % 700 == 350
            seed.append(doc(at, host: host, level: burst || oom ? "err" : ["info", "info", "notice", "warning", "err"].randomElement(using: &generator)!,
                            message: oom ? "Out of memory: Killed process 1 (x)" : "line \(i)", process: oom ? "kernel" : ["sshd", "o2-readout-exe", "evil"][i % 3]))
            if burst { seed += (0..<4).map { doc(at + Double($0) * 0.1, host: host, level: "err") } }
        }
        // new_term's baseline, two hours before (older than any other rule looks): every process and level but
        // the kernel's, so both runs start from the same known terms.
        for (n, process) in ["sshd", "o2-readout-exe", "evil"].enumerated() {
            seed += ["info", "notice", "warning", "err"].map { doc(t0 - 7200 + Double(n), host: "flp010", level: $0, process: process) }
        }
        // pattern_rate's pattern id: one per process and level (flp011's error burst is one pattern's rise).
        for i in seed.indices {
            var log = seed[i]["log"] as? [String: Any] ?? [:]
            let process = (seed[i]["process"] as? [String: Any])?["name"] as? String ?? ""
            log["pattern"] = ["id": "\(process)-\(log["level"] ?? "")"]
            seed[i]["log"] = log
        }
        try cluster.seed(index, seed)
    }

    /// One rule of each type the series answer.
    func rules() throws -> [Rule] {
        try [
            "name: newpat\ntype: new_pattern\nindex: logs-system.journal-*\nquery_key: host.name\npattern_source: logs\nhistory: 1h\nbuffer_time: 5m\nrun_every: 5m\n",
            "name: rate\ntype: pattern_rate\nindex: logs-system.journal-*\nquery_key: host.name\ntimeframe: 10m\nrun_every: 5m\nhistory_windows: 3\nmin_count: 5\n",
            "name: burst\ntype: frequency\nindex: logs-system.journal-*\nfilter: [{term: {log.level: err}}]\nquery_key: host.name\nnum_events: 12\ntimeframe: 5m\nrealert: 10m\n",
            "name: silent\ntype: flatline\nindex: logs-system.journal-*\nquery_key: host.name\nthreshold: 1\ntimeframe: 10m\n",
            "name: spike\ntype: spike\nindex: logs-system.journal-*\nfilter: [{term: {log.level: err}}]\nquery_key: host.name\nspike_height: 3\nspike_type: both\nthreshold_cur: 5\ntimeframe: 5m\n",
            "name: oom\ntype: any\nindex: logs-system.journal-*\nfilter: [{term: {process.name: kernel}}]\nbuffer_time: 15m\n",
            "name: evil\ntype: blacklist\nindex: logs-system.journal-*\ncompare_key: process.name\nblacklist: [evil]\nquery_key: host.name\nrealert: 20m\n",
            "name: newproc\ntype: new_term\nindex: logs-system.journal-*\nfields: [process.name, log.level]\nterms_window_size: 3h\nbuffer_time: 5m\n",
        ].map { try rule($0) }
    }

    func summary(_ events: [AlarmEvent]) -> [String] {
        events.map { "\(Int($0.time - t0)) \($0.rule) \($0.key) \($0.state.rawValue) \($0.value) \($0.notification) \($0.subject)" }.sorted()
    }

    @Test func bucketedReplayFindsWhatWindowByWindowFinds() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try seedData(cluster)
        let rules = try rules()

        let replay = try job(rules, cluster) { $0.dryRun = true }.backtest(from: t0, to: t0 + 7200)
        // Window by window: a first cycle at t0, then a catch-up of the two hours (one probe per window).
        _ = try job(rules, cluster).runCycle(now: t0)
        let catchUp = try job(rules, cluster) { $0.maxCatchup = 7200; $0.catchUpFromSeries = false }.runCycle(now: t0 + 7200)
        #expect(replay.rules.allSatisfy { $0.error == nil } && catchUp.rules.allSatisfy { $0.error == nil })
        #expect(Set(replay.events.map(\.rule)).count == 8, "\(summary(replay.events))")
        #expect(summary(replay.events) == summary(catchUp.events))
        // (new_pattern runs every 5 minutes here: window by window, each of its windows searches the whole hour of
        // history, and the catch-up's shared search of 120 of them took over the 60 s request_timeout on the
        // loaded test machine.)
        // 6 rules × 120 windows and 2 × 24 pattern windows: the catch-up asks one question per window (merged into
        // shared searches of 100 aggregations); the replay one bucketed search per rule, and what matched.
        #expect(replay.probes < catchUp.probes / 2, "replay \(replay.probes) probes, catch-up \(catchUp.probes)")
    }

    /// The daemon after downtime: its windows continue from the stored end, which is on no bucket grid (a cycle
    /// runs at any millisecond), and the last one ends at now. The catch-up from bucketed searches (the grid shifted
    /// to the stored end, the last window searched on its own) raises and clears what the window-by-window
    /// catch-up does, in a bounded number of searches however many windows.
    @Test func catchUpFromSeriesFindsWhatWindowByWindowFinds() throws {
        let cluster = try Cluster()
        defer { cluster.stop() }
        try seedData(cluster)
        let rules = try rules()
        let start = t0 + 37.412, now = t0 + 7200 + 12.875
        func catchUp(series: Bool) throws -> AlarmJob.CycleReport {
            let r = try cluster.client.request("DELETE", "/logbridge-alarms-*")
            #expect(r.isSuccess || r.status == 404, "\(r.text)")
            _ = try job(rules, cluster).runCycle(now: start)
            return try job(rules, cluster) { $0.maxCatchup = 7200; $0.catchUpFromSeries = series }.runCycle(now: now)
        }
        let windowByWindow = try catchUp(series: false)
        let bucketed = try catchUp(series: true)
        #expect(windowByWindow.rules.allSatisfy { $0.error == nil } && bucketed.rules.allSatisfy { $0.error == nil })
        let steps: [Int] = bucketed.rules.map(\.steps)
        #expect(steps == windowByWindow.rules.map(\.steps))
        // Six one-minute rules: 119 whole windows and the last one up to now; the two five-minute ones: 23 and 1.
        let windows = steps.reduce(0, +)
        #expect(windows == 768)
        let raising = Set(bucketed.events.map(\.rule))
        #expect(raising.count >= 6, "\(summary(bucketed.events))")
        #expect(summary(bucketed.events) == summary(windowByWindow.events))
        // Six rules from one bucketed search each (side by side: one request each), then their last windows (off
        // the grid) in one shared search, and the what-matched searches; window by window it was one aggregation
        // per window. The match ledger's rules (`any`, `blacklist`) keep the epoch grid: off it, they are still
        // searched window by window (2 × 121 aggregations, bounded by --max-catchup).
        #expect(windowByWindow.probes >= 768)
        #expect(bucketed.probes < 6 + 6 + 2 * 121 + 20, "bucketed \(bucketed.probes) probes, window by window \(windowByWindow.probes)")
        #expect(bucketed.queries <= 6 + 1 + 1, "\(bucketed.queries) requests")
    }
}

/// `rules lint --elastalert`: which ElastAlert rule files load as they are, and every option to change in the others.
@Suite struct ElastAlertLintTests {
    @Test func reportsPerFileWhatToChange() throws {
        let dir = try rulesDirectory([
            "as-is.yaml": """
                name: oom
                type: any
                index: logs-system.journal-*
                filter: [{query: {query_string: {query: 'message:"Out of memory"'}}}]
                use_keyword_postfix: false
                alert: [command]
                command: ["/usr/local/bin/page", "%(host.name)s"]
                pipe_match_json: true
                """,
            "to-change.yaml": """
                name: burst
                type: frequency
                index: logs-*
                num_events: 5
                timeframe: {minutes: 5}
                top_count_keys: [host.name]
                slack_webhook_url: https://hooks.slack.invalid/x
                alert: [slack]
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (status, output) = try runProcess(try TestPaths.logbridgeBinary(), ["rules", "lint", "--elastalert", dir])
        #expect(status == 1, "\(output)")
        #expect(output.contains("as-is.yaml: loads as it is"), "\(output)")
        #expect(output.contains("to-change.yaml: 3 change(s) needed"), "\(output)")
        #expect(output.contains("to-change.yaml:6: top_count_keys:"), "\(output)")
        #expect(output.contains("to-change.yaml:7: slack_webhook_url: not a LogBridge option"), "\(output)")
        #expect(output.contains("to-change.yaml:8: alert[0]: unknown alerter \"slack\""), "\(output)")
        #expect(output.contains("1 of 2 rule file(s) load as they are"), "\(output)")
    }

    /// docs/alarms.md's list of refused ElastAlert options is the parser's: each is refused with a reason, not as unknown.
    @Test func everyRefusedOptionInTheDocsIsRefusedWithAReason() throws {
        let doc = try String(contentsOfFile: TestPaths.packageRoot + "/docs/alarms.md", encoding: .utf8)
        let table = try #require(doc.components(separatedBy: "| refused | reason |").last?.components(separatedBy: "\n\n").first)
        var options: [String] = []
        for row in table.split(separator: "\n") where row.hasPrefix("| `") {
            let cell = row.split(separator: "|").first ?? ""
            guard !cell.contains(":"), !cell.contains("string") else { continue }
            options += cell.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        #expect(options.count > 50, "\(options)")
        for option in options {
            do {
                _ = try rule("name: a\ntype: any\nindex: x\n\(option): 1\n")
                Issue.record("\(option) accepted")
            } catch let e as ConfigError {
                #expect(e.keyPath == option && !e.message.hasPrefix("unknown option"), "\(e)")
            }
        }
    }
}
