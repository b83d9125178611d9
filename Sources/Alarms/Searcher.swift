import Config
import Bulk
import Foundation
import JSON

/// Runs probes as `_msearch` requests, split across a few workers with a client each, so the cycle costs a
/// handful of requests however many rules there are, and one slow search holds up only its own batch.
/// Probes are first folded into shared searches (`SearchMerger`): the cluster then visits each window's
/// documents once for all rules instead of once per rule.
public final class Searcher: @unchecked Sendable {
    public private(set) var requests = 0
    public private(set) var responseBytes = 0
    /// Searches sent (inside the `_msearch` requests).
    public private(set) var searches = 0
    /// Questions asked: probes, each answered by a search of its own or by an aggregation of a shared one. A
    /// window-by-window catch-up asks one per window, a bucketed one one per rule and 240 windows.
    public private(set) var probes = 0
    /// The cluster's own time for them: the sum of each search's `took` (milliseconds), which says how much of a
    /// slow replay is the cluster answering rather than LogBridge.
    public private(set) var tookMillis = 0
    private let clients: [ClusterClient]
    private let batchSize: Int
    private let merge: Bool
    private let lock = NSLock()

    public init(settings: OutputSettings, workers: Int = 2, batchSize: Int = 50, merge: Bool = true) {
        clients = (0..<max(1, workers)).map { _ in ClusterClient(settings: settings) }
        self.batchSize = batchSize
        self.merge = merge
    }

    /// Answers in probe order; nil where the cluster returned an error for that search (reason in `errors`).
    /// - Parameter spread: a few heavy searches (the bucketed series of a replay or a catch-up, each covering many
    ///   windows): sent unmerged in up to four requests per worker, so the cluster answers them side by side on its
    ///   cores instead of one after the other inside one `_msearch`. Merging them saves the cluster nothing: osmem
    ///   spent the same CPU on the replay's six journal series merged into one search (2.36 s) as on the six
    ///   searches sent apart (2.53 s), but one search is answered on one core.
    public func search(_ probes: [Probe], spread: Bool = false) -> (responses: [JSONValue?], errors: [Int: String]) {
        lock.lock(); self.probes += probes.count; lock.unlock()
        if spread {
            let perRequest = max(1, (probes.count + 4 * clients.count - 1) / (4 * clients.count))
            return send(probes.map { ($0.index, $0.body) }, batchSize: perRequest)
        }
        guard merge, probes.count > 1 else { return send(probes.map { ($0.index, $0.body) }) }
        let plan = SearchMerger.plan(probes)
        let (answers, errs) = send(plan.searches.map { ($0.index, $0.body) })
        var responses: [JSONValue?] = Array(repeating: nil, count: probes.count)
        var errors: [Int: String] = [:]
        var retry: [Int] = []
        for (i, slot) in plan.slots.enumerated() {
            guard let answer = answers[slot.search] else {
                // A shared search the cluster refused (one rule's bad field can do that): its members are asked
                // again one by one, so only the faulty rule fails.
                if plan.searches[slot.search].aggregations > 1 { retry.append(i) } else { errors[i] = errs[slot.search] ?? "no answer" }
                continue
            }
            if let agg = slot.agg {
                responses[i] = SearchMerger.split(answer, agg: agg)
                if responses[i] == nil { errors[i] = "aggregation \(agg) missing from the shared answer" }
            } else { responses[i] = answer }
        }
        if !retry.isEmpty {
            let (again, againErrors) = send(retry.map { (probes[$0].index, probes[$0].body) })
            for (n, i) in retry.enumerated() {
                responses[i] = again[n]
                if let e = againErrors[n] { errors[i] = e }
            }
        }
        return (responses, errors)
    }

    /// Sends searches as they are, in `_msearch` batches over the workers.
    private func send(_ probes: [(index: String, body: String)], batchSize: Int? = nil) -> (responses: [JSONValue?], errors: [Int: String]) {
        let batchSize = batchSize ?? self.batchSize
        let batches = stride(from: 0, to: probes.count, by: batchSize).map { Array($0..<min($0 + batchSize, probes.count)) }
        let collected = Collected(count: probes.count)
        let next = ManagedCounter()
        let work: @Sendable (Int) -> Void = { [self] worker in
            while let b = next.take(below: batches.count) {
                let (answers, errs, bytes) = run(batches[b].map { probes[$0] }, client: clients[worker])
                lock.lock()
                tookMillis += answers.reduce(0) { $0 + ($1?["took"]?.intValue ?? 0) }
                requests += 1
                searches += batches[b].count
                responseBytes += bytes
                for (i, probeIndex) in batches[b].enumerated() {
                    collected.responses[probeIndex] = answers[i]
                    if let e = errs[i] { collected.errors[probeIndex] = e }
                }
                lock.unlock()
            }
        }
        // One batch (a merged cycle usually is): no thread to start, and no second malloc arena to grow.
        if batches.count <= 1 {
            work(0)
            return (collected.responses, collected.errors)
        }
        let group = DispatchGroup()
        for worker in 0..<min(clients.count, batches.count) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                work(worker)
            }
        }
        group.wait()
        return (collected.responses, collected.errors)
    }

    private func run(_ probes: [(index: String, body: String)], client: ClusterClient) -> ([JSONValue?], [Int: String], Int) {
        var body = ""
        for p in probes {
            let header: JSONValue = ["index": .string(p.index), "ignore_unavailable": true, "allow_no_indices": true]
            body += header.compactText + "\n" + p.body + "\n"
        }
        var errors: [Int: String] = [:]
        do {
            let response = try client.request("POST", "/_msearch", body: Array(body.utf8), contentType: "application/x-ndjson")
            guard response.isSuccess, let json = try? JSONValue(parsing: response.body),
                  let items = json["responses"]?.arrayValue, items.count == probes.count else {
                let reason = "HTTP \(response.status): \(response.text.prefix(300))"
                for i in probes.indices { errors[i] = reason }
                return (Array(repeating: nil, count: probes.count), errors, response.body.count)
            }
            var out: [JSONValue?] = []
            for (i, item) in items.enumerated() {
                if let error = item["error"] {
                    errors[i] = (error["reason"] ?? error).plainText
                    out.append(nil)
                } else { out.append(item.objectValue == nil ? nil : item) }
            }
            return (out, errors, response.body.count)
        } catch {
            for i in probes.indices { errors[i] = "\(error)" }
            return (Array(repeating: nil, count: probes.count), errors, 0)
        }
    }
}

/// Hands out batch numbers to workers.
private final class ManagedCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Answers gathered by the workers (guarded by the searcher's lock).
private final class Collected: @unchecked Sendable {
    var responses: [JSONValue?]
    var errors: [Int: String] = [:]
    init(count: Int) { responses = Array(repeating: nil, count: count) }
}
