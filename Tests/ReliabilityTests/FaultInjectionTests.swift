import Foundation
import Testing
import TestSupport

/// The real binary, a real osmem-server and a proxy between them that resets, stalls, throttles and fails
/// requests. Every test ends with the index holding exactly the events sent, each once.
@Suite(.serialized) struct FaultInjectionTests {
    @Test func everyEventOnceThroughResetsStallsThrottlingErrorsAndSizeLimits() throws {
        let osmem = try OsmemServer()
        var plan = FaultProxy.Plan()
        plan.resetBeforeForward = 0.08
        plan.resetAfterForward = 0.08
        plan.stall = 0.04
        plan.whole429 = 0.08
        plan.whole500 = 0.08
        plan.partial429 = 0.15
        plan.maxBodyBytes = 20_000
        let proxy = try FaultProxy(upstreamPort: osmem.port, plan: plan)
        defer { proxy.stop() }
        let fx = try JournalFixture(); defer { fx.remove() }
        let total = Soak.scale(600, 5000)
        try fx.write(taggedEntries("fault", count: total), name: "farm")
        let shipper = try ShipperProcess(.init(clusterURL: proxy.url, inputs: [("farm", fx.directory)]))
        defer { shipper.remove() }

        let status = try shipper.runOnce(timeout: Soak.scale(150.0, 900.0))
        #expect(status == 0, "\(shipper.stderr.suffix(2000))")
        let s = shipper.summary
        #expect(s["read"] == total)
        #expect(s["failed"] == 0)
        #expect(s["dead_lettered"] == 0, "nothing here is the documents' fault")
        #expect((s["indexed"] ?? 0) + (s["duplicates"] ?? 0) == total)
        let counts = proxy.counts
        for fault in FaultProxy.Fault.allCases where fault != .none {
            #expect((counts[fault] ?? 0) > 0, "the run should have met \(fault)")
        }
        try expectExactlyOnce(osmem, expectedMessages("fault", 0..<total))
        print("[reliability] faults injected: \(counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue)=\($0.value)" }), items rejected 429: \(proxy.rejectedItems), summary: \(s)")
    }

    @Test func clusterOutageIsWaitedOutWithoutLossAndReadinessFollowsIt() throws {
        let osmem = try OsmemServer()
        let proxy = try FaultProxy(upstreamPort: osmem.port)
        defer { proxy.stop() }
        let fx = try JournalFixture(); defer { fx.remove() }
        let before = 200, during = Soak.scale(200, 2000)
        try fx.write(taggedEntries("outage", count: before), name: "farm-1")
        let metricsPort = freePort()
        let shipper = try ShipperProcess(.init(clusterURL: proxy.url, inputs: [("farm", fx.directory)],
                                               metricsPort: metricsPort, shutdownTimeout: "10s"))
        defer { shipper.remove() }
        try shipper.start()

        #expect(try eventually(30) { try osmem.count("logs-*") == before }, "\(shipper.stderr.suffix(2000))")
        #expect(eventually(5) { httpGet(port: metricsPort, "/ready")?.status == 200 })
        #expect(eventually(5) { shipper.savedCheckpoint("farm") != nil })

        proxy.goDown()
        // The last acknowledged checkpoint may still be held back by the once-a-second save interval.
        usleep(1_500_000)
        let checkpointBefore = shipper.savedCheckpoint("farm")
        try fx.write(taggedEntries("outage", count: during, from: before, bootSeed: 0xb008), name: "farm-2")
        let outage = Soak.scale(15.0, 60.0)
        let outageEnd = Date().addingTimeInterval(outage)
        // Readiness drops once requests have failed for longer than unready_after (3 s here); liveness stays.
        #expect(eventually(outage - 1) { httpGet(port: metricsPort, "/ready")?.status == 503 }, "ready must drop during the outage")
        #expect(httpGet(port: metricsPort, "/health")?.status == 200)
        let failing = httpGet(port: metricsPort, "/metrics").flatMap { metric($0.body, "logbridge_output_failing_seconds") }
        #expect((failing ?? 0) > 0)
        while Date() < outageEnd { usleep(100_000) }
        #expect(shipper.process?.isRunning == true, "the shipper waits for the cluster")
        let checkpointDuring = shipper.savedCheckpoint("farm")
        #expect(checkpointDuring == checkpointBefore, "nothing acknowledged during the outage, so the checkpoint stays")

        try proxy.comeBack()
        #expect(try eventually(Soak.scale(60.0, 300.0)) { try osmem.count("logs-*") == before + during })
        #expect(eventually(10) { httpGet(port: metricsPort, "/ready")?.status == 200 }, "ready again once the cluster answers")
        // The index can show the documents a moment before their answer is through the proxy: wait for the counters.
        var text = ""
        #expect(eventually(10) {
            text = httpGet(port: metricsPort, "/metrics")?.body ?? ""
            return (metric(text, "logbridge_output_indexed_total") ?? 0) + (metric(text, "logbridge_output_duplicates_total") ?? 0)
                == Double(before + during)
        }, "\(text)")
        #expect(metric(text, "logbridge_input_received_total", labels: #"input="farm",type="journald""#) == Double(before + during))
        #expect((metric(text, "logbridge_output_retried_total") ?? 0) > 0)
        #expect((metric(text, "logbridge_output_bulk_latency_seconds_count") ?? 0) > 0)
        #expect(metric(text, "logbridge_journald_lag_seconds", labels: #"input="farm",type="journald""#) != nil)

        shipper.signal(SIGTERM)
        #expect(try shipper.wait(timeout: 15) == 0)
        try expectExactlyOnce(osmem, expectedMessages("outage", 0..<(before + during)))
    }
}
