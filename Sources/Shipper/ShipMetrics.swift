import Bulk
import Foundation
import Inputs
import Listeners
import Instrumentation
import Telemetry

/// Renders a run's snapshot as Prometheus text. Names follow Prometheus conventions: `_total` for
/// counters, base units (seconds, bytes). The full list with meanings is in docs/reliability.md.
///
/// The inputs' metrics are named by the inputs themselves (`Input.metrics`): this file knows only the ones
/// every input has and what the run adds (checkpoint age, output, readiness).
enum ShipMetrics {
    static func render(_ run: RunSnapshot, readiness: Readiness.Verdict, reloads: Int, endpoint: ListenerStats? = nil,
                       now: Double = Date().timeIntervalSince1970,
                       monotonicNow: Double = MonotonicClock.seconds()) -> String {
        var p = PrometheusText()
        // Listeners (docs/reliability.md#memory-budget-and-connection-limits) come with their inputs; the
        // metrics endpoint itself is listener="metrics".
        let ages = run.inputs.map { i in
            (id: i.id, type: i.type, metrics: i.checkpointSavedAt.map { saved in
                [Metric("logbridge_input_checkpoint_age_seconds", .gauge, help: "Seconds since the input's checkpoint was last persisted.",
                        max(0, now - saved))]
            } ?? [])
        }
        p.families(run.inputs.map { (id: $0.id, type: $0.type, metrics: $0.metrics) } + ages
                       + (endpoint.map { [(id: "metrics", type: "metrics", metrics: $0.metrics())] } ?? []),
                   declared: InputCounters.families + [
                       Metric("logbridge_input_checkpoint_age_seconds", .gauge, help: "Seconds since the input's checkpoint was last persisted.", 0),
                   ])

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
        for m in run.health { p.family(m.name, m.kind == .counter ? .counter : .gauge, help: m.help, m.value) }
        p.family("logbridge_ready", .gauge, help: "1 when /ready answers 200.", readiness.ready ? 1 : 0)
        p.family("logbridge_config_reloads_total", .counter, help: "Configurations applied by SIGHUP since start.", reloads)
        return p.text
    }
}
