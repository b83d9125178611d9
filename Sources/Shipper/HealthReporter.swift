import Bulk
import Config
import ECS
import Foundation
import JSON
import Logging
import Instrumentation
import Synchronization

/// Writes the shipper's health documents (`logbridge-health-YYYY.MM`): every `health.interval`, one document per
/// input with what the input read, dropped and found malformed, what the cluster acknowledged and dead-lettered,
/// and the lag, all for that interval. `logbridge report` reads them for its "shipper health per host" section.
///
/// Why documents and not only `/metrics`: a report covers 200 hosts and a past shift; nobody scrapes every node,
/// and a scrape cannot say what a node dropped last night. Why not through the inputs' own pipeline: a sample
/// is about the pipeline, and must still say "lag 40 min, 3,000 dropped" while that pipeline is stuck.
///
/// Samples are kept in memory until the cluster takes them (at most `maxPending`, oldest given up first, counted)
/// and written with `create` under an `_id` made of host, input and sample time: a retried write creates nothing
/// twice. While the cluster is down the samples pile up, and the first write after it answers brings the outage's
/// figures in. Field schema: docs/reliability.md#health-documents.
final class HealthReporter: @unchecked Sendable {
    private let sources: [RunningInput]
    private let client: ClusterClient
    private let hostName: String
    private let interval: Double
    private let logger: Logger
    /// A day of 60 s samples for four inputs; ~400 bytes each, so under 4 MB at the cap.
    static let maxPending = 6_000
    private var rounds: PeriodicRounds?
    private let warnings = LogThrottle(seconds: 60)

    private struct State {
        /// Action and document lines of each sample not yet taken by the cluster, oldest first.
        var pending: [[UInt8]] = []
        /// The counters at the previous sample, per input: the next document carries the differences.
        var previous: [String: Counters] = [:]
        var previousAt: Double
        var written = 0
        var failures = 0
        var givenUp = 0
    }
    private let state: Mutex<State>

    struct Counters: Equatable {
        var received = 0.0, malformed = 0.0, dropped = 0.0
        /// A gauge, not differenced: the spool's oldest unacknowledged record's age now.
        var spoolAge = 0.0
    }

    init(sources: [RunningInput], client: ClusterClient, hostName: String, interval: Double, logger: Logger,
         startedAt: Double = Date().timeIntervalSince1970) {
        self.sources = sources
        self.client = client
        self.hostName = hostName
        self.interval = interval
        self.logger = logger
        self.state = Mutex(State(previousAt: startedAt))
    }

    func start() {
        guard !sources.isEmpty else { return }
        let rounds = PeriodicRounds(name: "health", interval: interval) { [self] _, write in
            sample()
            if write { flush() }
        }
        self.rounds = rounds
        rounds.start()
    }

    /// The last sample, written by `deadline` (monotonic seconds) unless the output gave up on the cluster
    /// (`write` false): a stop must not wait on a cluster that every batch already failed to reach.
    func stop(write: Bool = true, deadline: Double = .infinity) {
        if let rounds, !rounds.stop(write: write, deadline: deadline) {
            logger.warning("health: the cluster did not answer by the shutdown deadline; the last health sample is not written")
        }
    }

    /// Takes one sample of every input and queues its documents.
    func sample(now: Double = Date().timeIntervalSince1970) {
        let micros = Int64(now * 1_000_000)
        var namer = IndexNamer(pattern: "logbridge-health-{yyyy}.{MM}", dataset: "")
        let index = String(decoding: namer.name(microseconds: micros), as: UTF8.self)
        var stamp: [UInt8] = []
        var writer = TimestampWriter()
        writer.append(microseconds: micros, to: &stamp)
        let timestamp = String(decoding: stamp, as: UTF8.self)
        let tallies = sources.map { ($0, $0.takeHealth(), Self.counters($0.input.metrics())) }
        state.withLock { s in
            let seconds = max(0, now - s.previousAt)
            s.previousAt = now
            for (source, tally, counters) in tallies {
                let id = source.id
                let before = s.previous[id] ?? Counters()
                s.previous[id] = counters
                // A spooled input's oldest unacknowledged record has been waiting since it arrived, before any batch.
                let lag = max(tally.worstLag, counters.spoolAge)
                let document: JSONValue = [
                    "@timestamp": .string(timestamp),
                    "host": ["name": .string(hostName)],
                    "logbridge": [
                        "input": .string(id),
                        "input_type": .string(source.input.type),
                        "health": [
                            "interval_seconds": .double((seconds * 1000).rounded() / 1000),
                            "received": .int(Int(max(0, counters.received - before.received))),
                            "malformed": .int(Int(max(0, counters.malformed - before.malformed))),
                            "dropped": .int(Int(max(0, counters.dropped - before.dropped))),
                            "indexed": .int(tally.indexed),
                            "dead_lettered": .int(tally.deadLettered),
                            "retried": .int(tally.retried),
                            "lag_seconds": .double((lag * 1000).rounded() / 1000),
                            "pending_batches": .int(tally.pendingBatches),
                        ],
                    ],
                ]
                var action: [UInt8] = []
                JSONValue.object(["create": ["_index": .string(index), "_id": .string(Self.documentID(host: hostName, input: id, micros: micros))]])
                    .append(to: &action)
                action.append(0x0A)
                document.append(to: &action)
                action.append(0x0A)
                s.pending.append(action)
            }
            if s.pending.count > Self.maxPending {
                let excess = s.pending.count - Self.maxPending
                s.pending.removeFirst(excess)
                s.givenUp += excess
            }
        }
    }

    /// Writes what is pending, in requests of at most 500 documents; what the cluster did not take stays.
    func flush() {
        while true {
            let chunk = state.withLock { Array($0.pending.prefix(500)) }
            guard !chunk.isEmpty else { return }
            var body: [UInt8] = []
            for item in chunk { body.append(contentsOf: item) }
            do {
                let response = try client.request("POST", "/_bulk", body: body, contentType: "application/x-ndjson")
                guard response.isSuccess else {
                    failed("health documents were refused (HTTP \(response.status)): \(String(decoding: response.body.prefix(300), as: UTF8.self)); retried next round")
                    return
                }
                let refused = Self.refusedItems(response.body, count: chunk.count)
                state.withLock { s in
                    // Refused items (a mapping conflict) would be refused again: given up, counted and said once.
                    s.pending.removeFirst(min(chunk.count, s.pending.count))
                    s.written += chunk.count - refused.count
                    s.givenUp += refused.count
                }
                if let first = refused.first {
                    warnings.log(logger, key: "refused", "\(refused.count) health documents refused by the cluster, given up: \(first)")
                }
            } catch {
                failed("health documents could not be written: \(error); retried next round")
                return
            }
        }
    }

    private func failed(_ message: String) {
        state.withLock { $0.failures += 1 }
        warnings.log(logger, key: "write", "\(message)")
    }

    /// The reasons of items that were neither created nor already there (409), in order.
    static func refusedItems(_ body: [UInt8], count: Int) -> [String] {
        guard PatternCatalogue.hasItemErrors(body) else { return [] }
        guard let items = (try? JSONValue(parsing: body))?["items"]?.arrayValue else {
            return Array(repeating: "unreadable _bulk answer", count: count)
        }
        return items.compactMap { item -> String? in
            let status = item[path: "create.status"]?.intValue ?? 0
            if (200..<300).contains(status) || status == 409 { return nil }
            return "HTTP \(status) \(item[path: "create.error.reason"]?.stringValue ?? "")"
        }
    }

    static func documentID(host: String, input: String, micros: Int64) -> String {
        String(decoding: DocumentID.make(Array("\(host)\u{0}\(input)\u{0}\(micros)".utf8)), as: UTF8.self)
    }

    static func counters(_ metrics: [Metric]) -> Counters {
        var c = Counters()
        for m in metrics {
            switch m.name {
            case "logbridge_input_received_total": c.received = m.value
            case "logbridge_input_malformed_total": c.malformed = m.value
            case "logbridge_input_dropped_total": c.dropped = m.value
            case "logbridge_spool_oldest_unacknowledged_age_seconds": c.spoolAge = m.value
            default: break
            }
        }
        return c
    }

    /// For `/metrics`.
    func metrics() -> [Metric] {
        let s = state.withLock { ($0.written, $0.failures, $0.givenUp, $0.pending.count) }
        return [
            Metric("logbridge_health_documents_written_total", .counter, help: "Health documents the cluster acknowledged.", s.0),
            Metric("logbridge_health_write_failures_total", .counter,
                   help: "Health writes that failed or were refused as a whole (retried next round).", s.1),
            Metric("logbridge_health_documents_given_up_total", .counter,
                   help: "Health documents dropped: over the pending cap during a long outage, or refused by the cluster.", s.2),
            Metric("logbridge_health_documents_pending", .gauge, help: "Health documents waiting for the cluster.", s.3),
        ]
    }
}
