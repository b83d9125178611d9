import Foundation
import Testing
import TestSupport

/// SIGKILL at random moments, many times, while events keep arriving; then a clean run to the end.
/// A kill loses nothing that reached LogBridge's re-readable inputs and duplicates nothing in the index.
@Suite(.serialized) struct CrashTests {
    @Test func sigkillAtRandomMomentsLosesAndDuplicatesNothing() throws {
        let osmem = try OsmemServer()
        // A slightly slow cluster with lost answers: kills land while batches are in flight, and some items
        // the cluster took were never acknowledged (they must come back as 409s, not as second copies).
        var plan = FaultProxy.Plan()
        plan.delaySeconds = 0.05
        plan.resetAfterForward = 0.05
        plan.seed = 20
        let proxy = try FaultProxy(upstreamPort: osmem.port, plan: plan)
        defer { proxy.stop() }
        let kills = Soak.scale(20, 100)
        // One feed per input kind.
        let feeds: [any CrashFeed] = [try JournalFeed(id: "farm", perRound: 60), try JournalFeed(id: "epn", perRound: 25),
                                      SyslogFeed(id: "net", perRound: 20), InfoLoggerServerFeed(id: "ilg", perRound: 30)]
        let shipper = try ShipperProcess(.init(clusterURL: proxy.url, inputs: [], batchDocs: 20))
        defer { shipper.remove() }
        try writeConfig(shipper, feeds)

        var random = SeededGenerator(seed: 0xdead)
        var killedWithUndelivered = 0
        for round in 0..<kills {
            for f in feeds where !f.needsRunningShipper { try f.feed(round: round) }
            try shipper.start()
            for f in feeds where f.needsRunningShipper { try f.feed(round: round) }
            let wait = 0.1 + Double(random.next() % 1000) / 1000 * 1.1
            usleep(UInt32(wait * 1_000_000))
            shipper.kill9()
            let fed = feeds.reduce(0) { $0 + $1.expected.count }
            if try osmem.count("logs-*") < fed { killedWithUndelivered += 1 }
        }
        #expect(killedWithUndelivered >= kills / 4, "most kills should land with events still undelivered (\(killedWithUndelivered) of \(kills))")

        // A last, undisturbed run delivers the rest (live: a network listener never runs out, so no --once).
        let expected = feeds.reduce(into: Set<String>()) { $0.formUnion($1.expected) }
        try shipper.start()
        for f in feeds { try f.settle() }
        #expect(try eventually(120) { try osmem.count("logs-*") >= expected.count }, "\(shipper.stderr.suffix(2000))")
        sleep(1)  // anything still arriving would be a duplicate: give it the chance to show
        shipper.signal(SIGTERM)
        #expect(try shipper.wait(timeout: 30) == 0, "\(shipper.stderr.suffix(2000))")
        try expectExactlyOnce(osmem, expected)
        let resent = feeds.compactMap { ($0 as? InfoLoggerServerFeed)?.resent }.reduce(0, +)
        print("[reliability] SIGKILLs: \(kills), of which with undelivered events: \(killedWithUndelivered); events: \(expected.count); InfoLogger frames re-sent after a kill: \(resent); proxy: \(proxy.counts.map { "\($0.key.rawValue)=\($0.value)" }.sorted()); final run: \(shipper.summary)")
    }

    private func writeConfig(_ shipper: ShipperProcess, _ feeds: [any CrashFeed]) throws {
        let base = ShipperProcess.yaml(shipper.options, stateDirectory: shipper.stateDirectory)
        try shipper.writeRawConfig(base + feeds.flatMap(\.inputYAML).joined(separator: "\n") + "\n")
    }
}
