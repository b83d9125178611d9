import Config
import ECS
import FileInput
import Foundation
import InfoLoggerInput
import JournaldInput
import Inputs
import Listeners
import Logging
import Spool
import SyslogInput
import Synchronization
import Telemetry
import Testing
import TestSupport
@testable import Shipper

/// Issue 18: every counter an input keeps is on `/metrics`, under the input's labels, without the shipper
/// naming it. One input of each type (syslog and InfoLogger opened, so their spools and listeners are live);
/// every counter is set to its own value, and each value must appear on a line labelled with its input.
@Suite struct InputMetricsTests {
    @Test func everyCounterOfEveryInputIsOnMetrics() throws {
        let dir = try temporaryDirectory("lb-metrics")
        let (udp, tcp, ilPort) = (freePort(), freePort(), freePort())
        let config = try ConfigLoader.parse(yaml: """
            state_dir: \(dir)/state
            output: {hosts: ["http://127.0.0.1:9"]}
            inputs:
              - {type: journald, id: j, directory: \(dir)/journal}
              - {type: syslog, id: s, listen: ["udp://127.0.0.1:\(udp)", "tcp://127.0.0.1:\(tcp)"]}
              - {type: file, id: f, paths: ["\(dir)/*.log"]}
              - {type: infologger, id: i, mode: server, listen: "127.0.0.1:\(ilPort)"}
            """, path: "metrics.yaml", environment: [:])
        var inputs = try InputFactory.makeAll(config.inputs, stateDirectory: config.stateDirectory)
        let ilCounters = InfoLoggerCounters()
        guard case .infologger(let ilSettings) = config.inputs[3] else { Issue.record("not infologger"); return }
        inputs[3] = InfoLoggerInput.make(ilSettings, spoolDirectory: InputFactory.spoolDirectory(config.stateDirectory, "i"),
                                         counters: ilCounters)
        let context = InputContext(once: true, output: config.output, agent: AgentInfo(name: "h", id: "m"),
                                   logger: Logger(label: "metrics-test"), checkpoint: nil,
                                   submit: { _ in }, isStopping: { true })
        let spooled = inputs.compactMap { $0 as? SpooledInput }
        #expect(spooled.count == 2)
        for s in spooled { try s.open(context) }
        defer { for s in spooled { s.close() } }

        // Each counter gets its own value; `expected` keeps (label, value, what) to find on /metrics.
        var next = 7001
        var expected: [(label: String, value: Int, what: String)] = []
        func set(_ counter: borrowing Atomic<Int>, _ label: String, _ what: String) {
            counter.store(next, ordering: .relaxed)
            expected.append((label, next, what))
            next += 1
        }
        func setCommon(_ input: any Input) {
            let label = "input=\"\(input.id)\""
            set(input.counters.read, label, "read"); set(input.counters.malformed, label, "malformed")
            set(input.counters.checkpointsLost, label, "checkpointsLost"); set(input.counters.dropped, label, "dropped")
        }
        func setListener(_ l: ListenerStats, _ id: String) -> Int {
            let label = "listener=\"\(id)\""
            set(l.accepted, label, "accepted"); set(l.open, label, "open"); set(l.refusedTotal, label, "refusedTotal")
            set(l.refusedPerAddress, label, "refusedPerAddress"); set(l.evicted, label, "evicted")
            set(l.idleClosed, label, "idleClosed"); set(l.acceptErrors, label, "acceptErrors")
            set(l.budgetPauses, label, "budgetPauses"); set(l.bufferedBytes, label, "bufferedBytes")
            return 9
        }
        for input in inputs { setCommon(input) }

        let journal = try #require(inputs[0] as? JournaldInput)
        journal.lastReadRealtime.store(Int64(Date().timeIntervalSince1970 * 1e6) - 5_000_000, ordering: .relaxed)

        let syslog = try #require(spooled[0].receiver as? SyslogReceiver)
        set(syslog.stats.received, "input=\"s\"", "received"); set(syslog.stats.malformed, "input=\"s\"", "syslog malformed")
        set(syslog.stats.truncated, "input=\"s\"", "truncated"); set(syslog.stats.udpDropped, "input=\"s\"", "udpDropped")
        let listenerCounters = setListener(syslog.stats.listener, "s")
        #expect(listenerCounters == Mirror(reflecting: ListenerStats.Snapshot()).children.count,
                "a ListenerStats counter this test does not set")
        _ = setListener(try #require(spooled[1].receiver.listenerStats), "i")

        let file = try #require(inputs[2] as? FileTailInput)
        file.truncations.withLock { $0 = next }
        expected.append(("input=\"f\"", next, "truncations")); next += 1

        let il = "input=\"i\""
        set(ilCounters.messages, il, "messages"); set(ilCounters.malformed, il, "infologger malformed")
        set(ilCounters.protocolErrors, il, "protocolErrors"); set(ilCounters.connectionsAccepted, il, "connectionsAccepted")
        set(ilCounters.acksSent, il, "acksSent"); set(ilCounters.gaps, il, "gaps")
        set(ilCounters.teeForwarded, il, "teeForwarded"); set(ilCounters.teeDropped, il, "teeDropped")
        #expect(Mirror(reflecting: InfoLoggerCounters.Snapshot()).children.count == 8, "an InfoLogger counter this test does not set")

        let snapshot = RunSnapshot(inputs: inputs.map { InputSnapshot(id: $0.id, type: $0.type, metrics: $0.metrics()) })
        let text = ShipMetrics.render(snapshot, readiness: Readiness().evaluate(inputsOpen: true, lastAnsweredAt: 0, failingSince: nil, now: 0),
                                      reloads: 0)
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        for e in expected {
            #expect(lines.contains { $0.contains(e.label) && $0.hasSuffix(" \(e.value)") }, "\(e.what) (\(e.label), \(e.value)) is not on /metrics")
        }
        // Every sample carries its input's type.
        for (id, type) in [("j", "journald"), ("s", "syslog"), ("f", "file"), ("i", "infologger")] {
            #expect(lines.contains { $0.contains("input=\"\(id)\",type=\"\(type)\"") }, "no sample of \(id) typed \(type)")
        }
        #expect(lines.contains { $0.hasPrefix("logbridge_journald_lag_seconds{input=\"j\",type=\"journald\"}") })

        // The spools' counters: one family per field of SpoolMetrics (dropped records go to input_dropped).
        let spoolFamilies = ["logbridge_spool_bytes", "logbridge_spool_segments", "logbridge_spool_oldest_unacknowledged_age_seconds",
                             "logbridge_spool_appended_records_total", "logbridge_spool_appended_bytes_total",
                             "logbridge_spool_dropped_segments_total", "logbridge_spool_corrupt_tails_truncated_total",
                             "logbridge_spool_discarded_bytes_total", "logbridge_spool_corrupt_records_skipped_total",
                             "logbridge_spool_corrupt_segments_skipped_total", "logbridge_spool_malformed_records_total",
                             "logbridge_spool_disk_full_events_total", "logbridge_spool_blocked_appends_total",
                             "logbridge_spool_fsyncs_total", "logbridge_spool_fsync_failures_total"]
        #expect(spoolFamilies.count + 1 == Mirror(reflecting: SpoolMetrics()).children.count, "a SpoolMetrics field not on /metrics")
        for family in spoolFamilies {
            for id in ["s", "i"] {
                #expect(lines.contains { $0.hasPrefix(family + "{input=\"\(id)\"") }, "\(family) of \(id) is not on /metrics")
            }
        }
        for family in ["logbridge_syslog_spooled_total", "logbridge_syslog_spool_failed_total"] {
            #expect(lines.contains { $0.hasPrefix(family + "{input=\"s\",type=\"syslog\"}") }, "\(family) is not on /metrics")
        }
    }
}
