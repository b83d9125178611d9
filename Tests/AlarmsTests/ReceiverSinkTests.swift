import Alarms
import Config
import ECS
import Foundation
import InfoLoggerInput
import Inputs
import Logging
import Spool
import Testing
import TestSupport

/// Webhook/Mattermost and InfoLogger sinks against receivers that read what was sent, and a sink that is down
/// while others are up.
@Suite(.serialized) struct ReceiverSinkTests {
    let index = "logs-system.journal-2026.11.29"

    func burst(_ alert: String, severity: String = "error", key: String = "host.name") -> String {
        """
        name: burst
        type: frequency
        index: logs-system.journal-*
        query_key: \(key)
        num_events: 3
        timeframe: 5m
        run_every: 1m
        realert: 1h
        severity: \(severity)
        \(alert)
        """
    }

    @Test func webhookPostsMattermostTextOnRaiseAndClear() throws {
        let receiver = try HTTPReceiver()
        defer { receiver.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<5).map { doc(t0 + 230 + Double($0), host: "flp004") })
        let r = try rule(burst("alert: [mattermost]\nmattermost_webhook_url: '\(receiver.url)/hooks/xyz'"))
        let j = job([r], cluster)
        #expect(try j.runCycle(now: t0 + 300).sinkErrors.isEmpty)
        #expect(try j.runCycle(now: t0 + 600).sinkErrors.isEmpty)

        let posts = receiver.requests
        #expect(posts.map(\.path) == ["/hooks/xyz", "/hooks/xyz"])
        #expect(posts.allSatisfy { $0.method == "POST" && $0.headers["content-type"]?.hasPrefix("application/json") == true })
        let bodies = posts.compactMap(\.json)
        try #require(bodies.count == 2, "not JSON: \(posts.map { String(decoding: $0.body, as: UTF8.self) })")
        #expect(bodies.map { $0["state"] as? String } == ["raised", "cleared"])
        // The second cycle steps through the missed one-minute windows: the burst (t0+230…234) leaves the
        // five-minute window at the one ending t0+540, which is when the clear is stamped.
        #expect(bodies.map { $0["time"] as? String } == [Timestamps.format(t0 + 300), Timestamps.format(t0 + 540)])
        for b in bodies {
            #expect(b["rule"] as? String == "burst" && b["key"] as? String == "flp004" && b["severity"] as? String == "error")
            #expect((b["fields"] as? [String: String])?["host.name"] == "flp004")
        }
        #expect(bodies[0]["value"] as? Int == 5 && bodies[1]["value"] as? Int == 0)
        // Mattermost shows `text` alone: it must carry the rule, the key and what happened.
        let texts = bodies.map { $0["text"] as? String ?? "" }
        #expect(texts[0].hasPrefix(":rotating_light: **burst: flp004: 5 events in 5m"), "\(texts[0])")
        #expect(texts[1].hasPrefix(":white_check_mark: **[cleared] burst: flp004:"), "\(texts[1])")
    }

    /// LogBridge's own `local`-mode InfoLogger receiver (a drop-in infoLoggerD) decodes what the sink wrote:
    /// a well-formed protocol-1.4 record lands as a document with the InfoLogger fields in their places.
    @Test(arguments: ["abstract", "path"]) func infoLoggerRecordIsReadByInfoLoggerD(_ form: String) throws {
        let dir = try temporaryDirectory("lb-alarms-ilg")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let name = form == "abstract" ? "lb-alarms-infoLoggerD-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" : dir + "/infoLoggerD.sock"
        let daemon = try InfoLoggerD(socket: name, directory: dir)
        defer { daemon.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<4).map { doc(t0 + 230 + Double($0), host: "flp005", extra: ["infologger": ["detector": "TPC"]]) })
        let socket = form == "abstract" ? "@" + name : name
        let r = try rule(burst("alert: [infologger]\ninfologger_socket: '\(socket)'", severity: "critical", key: "infologger.detector"))
        let j = job([r], cluster)
        // Each delivery is a connection of its own, and infoLoggerD reads connections in parallel: the raise is
        // awaited before the clear is sent, so the order below is the order of events, not of thread scheduling.
        #expect(try j.runCycle(now: t0 + 300).sinkErrors.isEmpty)
        var docs = try daemon.documents(atLeast: 1)
        #expect(try j.runCycle(now: t0 + 600).sinkErrors.isEmpty)
        docs += try daemon.documents(atLeast: 1)
        #expect(docs.count == 2)
        for d in docs {
            // No `tags`: the decoder found nothing malformed (field count, timestamp, UTF-8).
            #expect(d["tags"] == nil && d["error"] == nil, "\(d)")
            #expect(path(d, "infologger.facility") as? String == "ilg/alert")
            #expect(path(d, "infologger.system") as? String == "LogBridge")
            #expect(path(d, "infologger.rolename") as? String == "logbridge")
            #expect(path(d, "infologger.detector") as? String == "TPC")
            #expect(path(d, "process.pid") as? Int == Int(getpid()))
            #expect(path(d, "host.name") as? String == ProcessInfo.processInfo.hostName)
            #expect(path(d, "log.origin.file.name") as? String == "burst")
        }
        // Raised critical → F (log.level crit, as every dataset spells it); cleared → I (info). Timestamps are the evaluated windows' ends.
        #expect(docs.map { path($0, "infologger.severity") as? String } == ["F", "I"])
        #expect(docs.map { path($0, "log.level") as? String } == ["crit", "info"])
        #expect(docs.map { Timestamps.parse(path($0, "@timestamp") as? String ?? "") } == [t0 + 300, t0 + 540])
        let messages = docs.map { path($0, "message") as? String ?? "" }
        // Keyed by detector, the matches all came from one host: the alarm names it.
        #expect(messages[0].hasPrefix("burst: TPC (host flp005): 4 events in 5m"), "\(messages[0])")
        #expect(messages[1].hasPrefix("[cleared] burst: TPC (host flp005):"), "\(messages[1])")
    }

    /// One sink down (HTTP 503) beside two that are up: the others get every event in the same cycle, the down
    /// one is tried three times with growing pauses, then gets the kept events once it answers again — no
    /// event lost, none sent twice to the sinks that had it.
    @Test func oneSinkDownDoesNotHoldUpTheOthersAndReceivesLater() throws {
        let up = try HTTPReceiver(), down = try HTTPReceiver()
        defer { up.stop(); down.stop() }
        let influx = try InfluxDB()
        defer { influx.stop() }
        let cluster = try Cluster()
        defer { cluster.stop() }
        try cluster.createIndex(index)
        try cluster.seed(index, (0..<5).map { doc(t0 + 230 + Double($0), host: "flp006") })
        let r = try rule(burst("""
            alert: [post, mattermost, o2_monitoring]
            http_post_url: '\(up.url)/up'
            mattermost_webhook_url: '\(down.url)/down'
            o2_monitoring: {transport: http, url: '\(influx.httpURL)/write?db=o2', measurement: m}
            """))
        down.answer(with: 503)
        let first = try job([r], cluster).runCycle(now: t0 + 300)
        #expect(first.events.map(\.state) == [.raised])
        #expect(first.sinkErrors.count == 1 && first.sinkErrors.first?.contains("/down") == true, "\(first.sinkErrors)")
        #expect(up.requests.compactMap { $0.json?["state"] as? String } == ["raised"])
        #expect(influx.points("m").map { $0["value"] as? Int } == [1])
        let attempts = down.requests.map(\.at)
        #expect(attempts.count == 3)
        if attempts.count == 3 {
            #expect(attempts[1] - attempts[0] >= 0.19 && attempts[2] - attempts[1] >= 0.39, "backoff \(attempts)")
        }

        // Back up: the kept raise goes out first, then this cycle's clear; the other sinks get only the clear.
        down.answer(with: 200)
        let second = try job([r], cluster).runCycle(now: t0 + 600)
        #expect(second.sinkErrors.isEmpty, "\(second.sinkErrors)")
        let delivered = down.requests.dropFirst(3).compactMap { $0.json }
        #expect(delivered.map { $0["state"] as? String } == ["raised", "cleared"])
        #expect(delivered.first?["time"] as? String == Timestamps.format(t0 + 300))
        #expect(up.requests.compactMap { $0.json?["state"] as? String } == ["raised", "cleared"])
        #expect(influx.points("m").map { $0["value"] as? Int } == [1, 0])
        #expect(try cluster.osmem.documents("logbridge-alarms-state").contains { $0.id.hasPrefix("pending:") } == false)
    }
}

/// infoLoggerD on a node, played by LogBridge's InfoLogger input in `local` mode writing into a spool of its own.
final class InfoLoggerD {
    let input: SpooledInput
    let spool: Spool
    private let reader: SpoolReader

    init(socket: String, directory: String) throws {
        var settings = InfoLoggerInputSettings(id: "ilg")
        settings.mode = .local
        settings.socket = socket
        input = InfoLoggerInput.make(settings, spoolDirectory: directory + "/unused/spool")
        var logger = Logger(label: "infologgerd")
        logger.logLevel = .critical
        spool = try Spool(SpoolOptions(directory: directory + "/spool", fsync: .never), logger: logger)
        reader = SpoolReader(spool: spool)
        let context = InputContext(once: false, output: OutputSettings(), agent: AgentInfo(name: "test", id: "t"), logger: logger,
                                   checkpoint: nil, submit: { _ in }, isStopping: { false })
        try input.receiver.start(spool: spool, context: context)
    }

    /// The `_source` of every record spooled so far, waiting up to 5 s for `count`.
    func documents(atLeast count: Int) throws -> [[String: Any]] {
        var out: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(5)
        while out.count < count, deadline.timeIntervalSinceNow > 0 {
            if let r = try reader.next(timeout: 0.1) { out.append(try Self.source(r.payload)) }
        }
        while let r = try reader.next(timeout: 0.2) { out.append(try Self.source(r.payload)) }
        return out
    }

    /// A spooled record is one bulk item: action line, document line.
    private static func source(_ payload: [UInt8]) throws -> [String: Any] {
        let lines = payload.split(separator: 0x0A)
        guard lines.count == 2, let source = try JSONSerialization.jsonObject(with: Data(lines[1])) as? [String: Any] else {
            throw TestError("not a bulk item: \(String(decoding: payload, as: UTF8.self))")
        }
        return source
    }

    func stop() { input.receiver.stop(); spool.close() }
}

/// A dotted path into a decoded document.
func path(_ source: [String: Any], _ dotted: String) -> Any? {
    var node: Any? = source
    for key in dotted.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
    return node
}
