import Bulk
import Foundation
import InfoLoggerInput
import Listeners
import Telemetry

/// Renders a run's snapshot as Prometheus text. Names follow Prometheus conventions: `_total` for
/// counters, base units (seconds, bytes). The full list with meanings is in docs/reliability.md.
enum ShipMetrics {
    static func render(_ run: RunSnapshot, readiness: Readiness.Verdict, reloads: Int, endpoint: ListenerStats.Snapshot? = nil,
                       now: Double = Date().timeIntervalSince1970,
                       monotonicNow: Double = Readiness.monotonicNow()) -> String {
        var p = PrometheusText()
        func perInput(_ value: (InputSnapshot) -> Double?) -> [PrometheusText.Sample] {
            run.inputs.compactMap { i in value(i).map { PrometheusText.Sample([("input", i.id), ("type", i.type)], $0) } }
        }
        p.family("logbridge_input_received_total", .counter, help: "Events read from the input.",
                 perInput { Double($0.received) })
        p.family("logbridge_input_malformed_total", .counter, help: "Events that were malformed (still shipped when possible).",
                 perInput { Double($0.malformed) })
        p.family("logbridge_input_dropped_total", .counter, help: "Events received but dropped before the spool (e.g. UDP with a full spool).",
                 perInput { Double($0.dropped + ($0.spool?.droppedRecords ?? 0)) })
        p.family("logbridge_input_checkpoints_lost_total", .counter, help: "Checkpoints that no longer existed in the source.",
                 perInput { Double($0.checkpointsLost) })
        p.family("logbridge_input_checkpoint_age_seconds", .gauge, help: "Seconds since the input's checkpoint was last persisted.",
                 perInput { $0.checkpointSavedAt.map { max(0, now - $0) } })
        p.family("logbridge_journald_lag_seconds", .gauge, help: "Seconds between now and the realtime timestamp of the last journal entry read.",
                 perInput { $0.lastEventMicros.map { max(0, now - Double($0) / 1e6) } })
        p.family("logbridge_spool_bytes", .gauge, help: "Bytes the input's spool holds on disk.",
                 perInput { $0.spool.map { Double($0.bytesOnDisk) } })
        p.family("logbridge_spool_oldest_unacknowledged_age_seconds", .gauge,
                 help: "Age of the oldest spooled event the cluster has not acknowledged (0 when none).",
                 perInput { i in i.spool.map { s in s.oldestUnacknowledgedMicros.map { max(0, now - Double($0) / 1e6) } ?? 0 } })
        p.family("logbridge_spool_disk_full_events_total", .counter, help: "Spool writes refused by a full disk (retried).",
                 perInput { $0.spool.map { Double($0.diskFullEvents) } })
        // InfoLogger inputs (docs/infologger.md#counters); other inputs have no sample.
        func infologger(_ name: String, _ help: String, _ value: @escaping (InfoLoggerCounters.Snapshot) -> Int) {
            p.family("logbridge_infologger_" + name, .counter, help: help, perInput { $0.infologger.map { Double(value($0)) } })
        }
        if run.inputs.contains(where: { $0.infologger != nil }) {
            infologger("messages_total", "InfoLogger records written to the spool.") { $0.messages }
            infologger("malformed_total", "InfoLogger records indexed whole or repaired (event.original kept).") { $0.malformed }
            infologger("protocol_errors_total", "InfoLogger connections closed because their bytes were not the protocol or a record was too long.") { $0.protocolErrors }
            infologger("connections_total", "InfoLogger connections accepted (server, local) or made (stream).") { $0.connectionsAccepted }
            infologger("acks_sent_total", "Cumulative ACKs sent to infoLoggerD (server mode), each after an fsync.") { $0.acksSent }
            infologger("stream_gaps_total", "Reconnections of stream mode during which messages may have been missed.") { $0.gaps }
            infologger("tee_forwarded_total", "Messages the tee's infoLoggerServer acknowledged.") { $0.teeForwarded }
            infologger("tee_dropped_total", "Messages not forwarded to the tee because its queue was full (never dropped for the cluster).") { $0.teeDropped }
        }

        // Listeners (docs/reliability.md#memory-budget-and-connection-limits): the inputs that accept
        // connections, and the metrics endpoint itself as listener="metrics".
        let listeners = run.inputs.compactMap { i in i.listener.map { (i.id, i.type, $0) } } + (endpoint.map { [("metrics", "metrics", $0)] } ?? [])
        func listener(_ name: String, _ type: PrometheusText.Kind, _ help: String, _ value: (ListenerStats.Snapshot) -> Int) {
            p.family("logbridge_listener_" + name, type, help: help,
                     listeners.map { PrometheusText.Sample([("listener", $0.0), ("type", $0.1)], Double(value($0.2))) })
        }
        if !listeners.isEmpty {
            listener("connections", .gauge, "Connections open now.") { $0.open }
            listener("connections_accepted_total", .counter, "Connections accepted.") { $0.accepted }
            p.family("logbridge_listener_connections_refused_total", .counter,
                     help: "Connections refused: limit reached and no connection idle (reason: max_connections or max_connections_per_address).",
                     listeners.flatMap { l in [
                        PrometheusText.Sample([("listener", l.0), ("type", l.1), ("reason", "max_connections")], Double(l.2.refusedTotal)),
                        PrometheusText.Sample([("listener", l.0), ("type", l.1), ("reason", "max_connections_per_address")], Double(l.2.refusedPerAddress)),
                     ] })
            listener("connections_evicted_total", .counter, "Idle connections closed to make room for a new sender.") { $0.evicted }
            listener("connections_idle_closed_total", .counter, "Connections closed after idle_timeout without a byte.") { $0.idleClosed }
            listener("accept_errors_total", .counter, "accept() failures (out of descriptors or memory), each followed by a pause.") { $0.acceptErrors }
            listener("budget_pauses_total", .counter, "Times a connection stopped reading because the input's max_buffered was used.") { $0.budgetPauses }
            listener("buffered_bytes", .gauge, "Received bytes held in memory: encoded records not yet in the spool (syslog), unfinished frames beyond the first 16 KiB per connection (InfoLogger).") { $0.bufferedBytes }
        }

        let b = run.bulk ?? BulkStats()
        p.family("logbridge_output_indexed_total", .counter, help: "Documents the cluster created.", b.indexed)
        p.family("logbridge_output_duplicates_total", .counter, help: "Documents the cluster already had (409 on create): re-sent after a crash or lost answer.", b.duplicates)
        p.family("logbridge_output_retried_total", .counter, help: "Item attempts sent again (429, 5xx, transport errors).", b.retriedItems)
        p.family("logbridge_output_dead_lettered_total", .counter, help: "Documents stored in the dead-letter index or file.", b.deadLettered)
        p.family("logbridge_output_failed_requests_total", .counter, help: "_bulk requests that failed as a whole.", b.failedRequests)
        p.family("logbridge_output_requests_total", .counter, help: "_bulk requests sent.", b.requests)
        p.family("logbridge_output_sent_bytes_total", .counter, help: "Request body bytes sent (after compression).", b.bytesSent)
        p.family("logbridge_output_response_discarded_bytes_total", .counter,
                 help: "_bulk answer body bytes beyond the kept limit, read and dropped.", b.discardedResponseBytes)
        p.family("logbridge_output_in_flight_requests", .gauge, help: "_bulk requests outstanding.", b.inFlight)
        p.family("logbridge_output_pending_batches", .gauge, help: "Batches handed to the output and not yet acknowledged.", b.batchesPending)
        p.family("logbridge_output_failing_seconds", .gauge, help: "Seconds every _bulk request has been failing (0 while they succeed).",
                 b.failingSince.map { max(0, monotonicNow - $0) } ?? 0)
        p.histogram("logbridge_output_bulk_latency_seconds", help: "Duration of _bulk round trips, answered or not.", [
            .init(bounds: LatencyBuckets.bounds, counts: b.latency.counts, sum: b.latency.sum, count: b.latency.count),
        ])
        p.family("logbridge_ready", .gauge, help: "1 when /ready answers 200.", readiness.ready ? 1 : 0)
        p.family("logbridge_config_reloads_total", .counter, help: "Configurations applied by SIGHUP since start.", reloads)
        return p.text
    }
}
