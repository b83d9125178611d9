import Foundation
import Testing
import TestSupport

/// SIGTERM and SIGHUP against the real binary.
@Suite(.serialized) struct StopAndReloadTests {
    @Test func sigtermMidRunFlushesPersistsAndExitsWithinTheDeadline() throws {
        let osmem = try OsmemServer()
        var plan = FaultProxy.Plan()
        plan.delaySeconds = 0.1  // a slow cluster: the run is still going when the signal comes
        let proxy = try FaultProxy(upstreamPort: osmem.port, plan: plan)
        defer { proxy.stop() }
        let fx = try JournalFixture(); defer { fx.remove() }
        let total = 1500
        try fx.write(taggedEntries("term", count: total), name: "farm")
        let shipper = try ShipperProcess(.init(clusterURL: proxy.url, inputs: [("farm", fx.directory)], inFlight: 1,
                                               shutdownTimeout: "5s"))
        defer { shipper.remove() }

        try shipper.start()
        #expect(try eventually(30) { try osmem.count("logs-*") >= 100 })
        let signalled = Date()
        shipper.signal(SIGTERM)
        let status = try shipper.wait(timeout: 15)
        let took = Date().timeIntervalSince(signalled)
        #expect(status == 0, "\(shipper.stderr.suffix(2000))")
        #expect(took < 5 + 2, "exited \(took) s after SIGTERM with a 5 s deadline")
        let indexed = try osmem.count("logs-*")
        #expect(indexed < total, "the stop came mid-run (\(indexed) of \(total))")
        #expect(FileManager.default.fileExists(atPath: shipper.checkpointPath("farm")), "checkpoint persisted at the stop")

        // The graceful stop waited for the in-flight batches: the restart re-sends nothing already indexed.
        proxy.setPlan(.clean)
        #expect(try shipper.runOnce() == 0)
        #expect(shipper.summary["duplicates"] == 0, "\(shipper.summary)")
        #expect(shipper.summary["read"] == total - indexed, "\(shipper.summary), indexed before: \(indexed)")
        try expectExactlyOnce(osmem, expectedMessages("term", 0..<total))
    }

    @Test func sigtermDuringAnOutageStillKeepsTheDeadline() throws {
        let osmem = try OsmemServer()
        let proxy = try FaultProxy(upstreamPort: osmem.port)
        defer { proxy.stop() }
        proxy.goDown()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(taggedEntries("down", count: 300), name: "farm")
        let shipper = try ShipperProcess(.init(clusterURL: proxy.url, inputs: [("farm", fx.directory)], batchDocs: 20,
                                               inFlight: 1, shutdownTimeout: "3s"))
        defer { shipper.remove() }

        try shipper.start()
        sleep(2)
        let signalled = Date()
        shipper.signal(SIGTERM)
        _ = try shipper.wait(timeout: 10)
        let took = Date().timeIntervalSince(signalled)
        #expect(took < 3 + 2, "exited \(took) s after SIGTERM with a 3 s deadline and no cluster")
        #expect(shipper.stderr.contains("shutdown deadline reached"), "\(shipper.stderr.suffix(1500))")
        #expect(shipper.savedCheckpoint("farm") == nil, "nothing acknowledged, nothing checkpointed")

        try proxy.comeBack()
        #expect(try shipper.runOnce() == 0)
        try expectExactlyOnce(osmem, expectedMessages("down", 0..<300))
    }

    @Test func sighupAddsAnInputWithoutLossAndABrokenFileChangesNothing() throws {
        let osmem = try OsmemServer()
        let proxy = try FaultProxy(upstreamPort: osmem.port)
        defer { proxy.stop() }
        let fxA = try JournalFixture(); defer { fxA.remove() }
        let fxB = try JournalFixture(); defer { fxB.remove() }
        try fxA.write(taggedEntries("hupA", count: 300), name: "a")
        try fxB.write(taggedEntries("hupB", count: 150, bootSeed: 0xbb), name: "b")
        let metricsPort = freePort()
        var options = ShipperProcess.Options(clusterURL: proxy.url, inputs: [("a", fxA.directory)], metricsPort: metricsPort)
        let shipper = try ShipperProcess(options)
        defer { shipper.remove() }

        try shipper.start()
        #expect(try eventually(30) { try osmem.count("logs-*") == 300 })

        options.inputs.append(("b", fxB.directory))
        try shipper.writeConfig(options)
        shipper.signal(SIGHUP)
        #expect(try eventually(30) { try osmem.count("logs-*") == 450 }, "\(shipper.stderr.suffix(2000))")
        #expect(shipper.stderr.contains("configuration reloaded"))
        #expect(eventually(5) { httpGet(port: metricsPort, "/metrics").flatMap { metric($0.body, "logbridge_config_reloads_total") } == 1 })

        // A broken file: logged, ignored, the process keeps shipping with the configuration it has.
        try shipper.writeRawConfig("inputs: [ {type: journald\n")
        shipper.signal(SIGHUP)
        #expect(eventually(5) { shipper.stderr.contains("new configuration is invalid") })
        sleep(1)
        #expect(shipper.process?.isRunning == true)
        try fxB.write(taggedEntries("hupB", count: 50, from: 150, bootSeed: 0xbc), name: "b2")
        #expect(try eventually(30) { try osmem.count("logs-*") == 500 }, "the old configuration is still running")
        #expect(httpGet(port: metricsPort, "/metrics").flatMap { metric($0.body, "logbridge_config_reloads_total") } == 1)

        shipper.signal(SIGTERM)
        #expect(try shipper.wait(timeout: 15) == 0)
        try expectExactlyOnce(osmem, expectedMessages("hupA", 0..<300).union(expectedMessages("hupB", 0..<200)))
    }
}
