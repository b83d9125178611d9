import Bulk
import Config
import ECS
import Foundation
import Logging
import Patterns
import Instrumentation
import Synchronization

/// Writes what the inputs' miners learnt to the pattern catalogue (`logbridge-patterns-YYYY.MM`) and saves
/// their state beside the checkpoints, every `catalogue_interval` and once more at stop.
///
/// One document per (pattern, host, input), `_id` the hash of the three, written with `index`: the shipper
/// that mined a pattern owns its document and overwrites it with its cumulative count, so a retried or repeated
/// write changes nothing and shippers on other hosts never write the same document. Only patterns whose count
/// moved since the last acknowledged write are sent (a steady farm sends a few hundred small documents a
/// minute, not one per message). Field schema: docs/patterns.md.
final class PatternCatalogue: @unchecked Sendable {
    struct Source: Sendable {
        let tagger: PatternTagger
        let dataset: String
    }

    private let sources: [Source]
    private let client: ClusterClient?
    private let hostName: String
    private let interval: Double
    private let logger: Logger
    private var rounds: PeriodicRounds?
    /// One refused or failed write per input per round while the cluster is down is one line per input every
    /// few seconds at most, with `suppressed=N`.
    private let warnings = LogThrottle(seconds: 60)
    /// Per input: catalogue documents written and writes that failed, for /metrics.
    private let writes = Mutex<[String: (written: Int, failed: Int)]>([:])

    /// `client` nil: state is saved but nothing is written (`patterns.catalogue: false`).
    init(sources: [Source], client: ClusterClient?, hostName: String, interval: Double, logger: Logger) {
        self.sources = sources
        self.client = client
        self.hostName = hostName
        self.interval = interval
        self.logger = logger
    }

    func start() {
        guard !sources.isEmpty else { return }
        let rounds = PeriodicRounds(name: "pattern-catalogue", interval: interval) { [self] _, write in flush(writing: write) }
        self.rounds = rounds
        rounds.start()
    }

    /// The last round: writes the catalogue (unless `writeCatalogue` is false: the output already gave up on
    /// the cluster) and saves the miners' state, then returns — by `deadline` (monotonic seconds) at the
    /// latest. A round still waiting on a slow or black-holed cluster at the deadline is left behind: the state
    /// is saved here instead, and the catalogue catches up on the next start (counts are cumulative).
    func stop(writeCatalogue: Bool = true, deadline: Double = .infinity) {
        guard let rounds else {
            flush(writing: writeCatalogue)
            return
        }
        if !rounds.stop(write: writeCatalogue, deadline: deadline) {
            logger.warning("pattern catalogue: the cluster did not answer by the shutdown deadline; saved the pattern state, the catalogue is brought up to date at the next start")
            flush(writing: false)
        }
    }

    /// One round: per input, the changed patterns in one `_bulk` request, then the state file.
    func flush(writing: Bool = true) {
        for source in sources {
            if writing, let client { write(source, client) }
            save(source)
        }
    }

    private func save(_ source: Source) {
        do { try source.tagger.save() } catch {
            warnings.log(logger, key: "save \(source.tagger.inputID)",
                         "could not save the pattern state of input \(source.tagger.inputID): \(error); a restart will relearn the patterns seen since the last save")
        }
    }

    private func write(_ source: Source, _ client: ClusterClient) {
        let changed = source.tagger.changedSinceLastWrite()
        guard !changed.isEmpty else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        var namer = IndexNamer(pattern: "logbridge-patterns-{yyyy}.{MM}", dataset: "")
        let index = namer.name(microseconds: now)
        // Bounded requests: a first flush after a restart with 10,000 patterns is ~20 chunks of 500.
        var start = 0
        while start < changed.count {
            let chunk = Array(changed[start..<min(start + 500, changed.count)])
            start += chunk.count
            let body = Self.body(chunk, index: index, host: hostName, input: source.tagger.inputID, dataset: source.dataset)
            do {
                let response = try client.request("POST", "/_bulk", body: body, contentType: "application/x-ndjson")
                guard response.isSuccess, !Self.hasItemErrors(response.body) else {
                    count(source, failed: 1)
                    warnings.log(logger, key: "write \(source.tagger.inputID)", "pattern catalogue write for input \(source.tagger.inputID) was refused (HTTP \(response.status)): \(String(decoding: response.body.prefix(300), as: UTF8.self)); retried next round")
                    return
                }
                source.tagger.markWritten(chunk)
                count(source, written: chunk.count)
            } catch {
                count(source, failed: 1)
                warnings.log(logger, key: "write \(source.tagger.inputID)", "pattern catalogue write for input \(source.tagger.inputID) failed: \(error); retried next round")
                return
            }
        }
    }

    private func count(_ source: Source, written: Int = 0, failed: Int = 0) {
        writes.withLock { $0[source.tagger.inputID, default: (0, 0)].written += written; $0[source.tagger.inputID, default: (0, 0)].failed += failed }
    }

    /// The miner's and the catalogue's numbers of one input, for `/metrics` beside the input's own.
    func metrics(forInput id: String) -> [Metric] {
        guard let tagger = sources.first(where: { $0.tagger.inputID == id })?.tagger else { return [] }
        let c = tagger.counters
        let w = writes.withLock { $0[id] } ?? (written: 0, failed: 0)
        return [
            Metric("logbridge_patterns_messages_total", .counter, help: "Messages given a log.pattern.id.", Double(c.messages)),
            Metric("logbridge_patterns", .gauge, help: "Patterns the input's miner holds (at most patterns.max_patterns).", c.patterns),
            Metric("logbridge_patterns_created_total", .counter, help: "Patterns founded (evicted and merged ones included).", Double(c.created)),
            Metric("logbridge_patterns_evicted_total", .counter,
                   help: "Least recently used patterns dropped at patterns.max_patterns; a steady rise means the cap is too low.", Double(c.evictions)),
            Metric("logbridge_patterns_truncated_messages_total", .counter,
                   help: "Messages mined only up to 80 tokens or 4 KiB, the rest one parameter.", Double(c.truncatedMessages)),
            Metric("logbridge_patterns_merged_total", .counter, help: "Patterns folded into a wider one (their id kept as an alias).", Double(c.merges)),
            Metric("logbridge_patterns_catalogue_written_total", .counter, help: "Catalogue documents acknowledged by the cluster.", w.written),
            Metric("logbridge_patterns_catalogue_failures_total", .counter, help: "Catalogue writes refused or failed (retried next round).", w.failed),
        ]
    }

    /// `"errors":true` near the start of a bulk answer.
    static func hasItemErrors(_ body: [UInt8]) -> Bool {
        String(decoding: body.prefix(64), as: UTF8.self).contains("\"errors\":true")
    }

    static func documentID(pattern: PatternID, host: String, input: String) -> [UInt8] {
        DocumentID.make(Array("\(pattern)\u{0}\(host)\u{0}\(input)".utf8))
    }

    static func body(_ patterns: [PatternInfo], index: [UInt8], host: String, input: String, dataset: String) -> [UInt8] {
        var out: [UInt8] = []
        var ts = TimestampWriter()
        func time(_ ms: Int64) { out.append(0x22); ts.append(microseconds: ms * 1000, to: &out); out.append(0x22) }
        for p in patterns {
            out.append(contentsOf: Array(#"{"index":{"_index":""#.utf8))
            out.append(contentsOf: index)
            out.append(contentsOf: Array(#"","_id":""#.utf8))
            out.append(contentsOf: documentID(pattern: p.id, host: host, input: input))
            out.append(contentsOf: Array("\"}}\n".utf8))
            out.append(contentsOf: Array(#"{"@timestamp":"#.utf8)); time(p.lastSeen)
            out.append(contentsOf: Array(#","log":{"pattern":{"id":"#.utf8)); JSONBytes.appendQuotedHex64(p.id.rawValue, to: &out)
            out.append(contentsOf: Array(#","template":"#.utf8)); JSONBytes.appendString(p.template, to: &out)
            out.append(contentsOf: Array(#","template_hash":"#.utf8)); JSONBytes.appendQuotedHex64(p.templateHash.rawValue, to: &out)
            out.append(contentsOf: Array(#","example":"#.utf8)); JSONBytes.appendString(p.example, to: &out)
            out.append(contentsOf: Array(#","first_seen":"#.utf8)); time(p.firstSeen)
            out.append(contentsOf: Array(#","last_seen":"#.utf8)); time(p.lastSeen)
            out.append(contentsOf: Array(#","count":"#.utf8)); JSONBytes.appendUnsigned(p.count, to: &out)
            if !p.aliases.isEmpty {
                out.append(contentsOf: Array(#","aliases":["#.utf8))
                for (i, a) in p.aliases.enumerated() {
                    if i > 0 { out.append(0x2C) }
                    JSONBytes.appendQuotedHex64(a.rawValue, to: &out)
                }
                out.append(0x5D)
            }
            out.append(contentsOf: Array(#"}},"host":{"name":"#.utf8)); JSONBytes.appendString(host, to: &out)
            out.append(contentsOf: Array(#"},"data_stream":{"dataset":"#.utf8)); JSONBytes.appendString(dataset, to: &out)
            out.append(contentsOf: Array(#"},"logbridge":{"input":"#.utf8)); JSONBytes.appendString(input, to: &out)
            out.append(contentsOf: Array("}}\n".utf8))
        }
        return out
    }
}

extension PatternCatalogue {
    /// One miner per input with patterns on, continuing from `<state_dir>/patterns/<input>.patterns`. A damaged
    /// state file is set aside (`.damaged`) and the input starts with an empty table rather than not at all:
    /// a pattern file is worth less than shipping.
    static func makeTaggers(_ config: LogBridgeConfig, logger: Logger) -> [String: PatternTagger] {
        var limits = MinerLimits()
        limits.maxPatterns = config.patterns.maxPatterns
        limits.extraMasks = config.patterns.masks.map(Self.mask)
        let directory = config.stateDirectory + "/patterns"
        var taggers: [String: PatternTagger] = [:]
        for input in config.inputs where config.patterns.enabled(forInput: input.id) {
            do {
                taggers[input.id] = try PatternTagger(inputID: input.id, limits: limits, stateDirectory: directory)
            } catch {
                let path = PatternMiner.stateFile(directory: directory, name: input.id)
                rename(path, path + ".damaged")
                logger.warning("pattern state of input \(input.id) is unreadable (\(error)); set aside as \(path).damaged, starting with no patterns (messages whose parameters are all masked keep their ids; see docs/patterns.md)")
                taggers[input.id] = try? PatternTagger(inputID: input.id, limits: limits, stateDirectory: directory)
            }
        }
        return taggers
    }

    /// `blk_*` (one trailing star, no other wildcard) is a prefix test; anything else a glob.
    static func mask(_ text: String) -> ExtraMask {
        let body = text.dropLast()
        if text.hasSuffix("*"), !body.contains("*"), !body.contains("?") { return .prefix(String(body)) }
        return .glob(text)
    }
}
