import Foundation
import Testing
import TestSupport

/// A run starts whole or not at all: every input binds its listeners and opens its state before any reads,
/// and before `/ready` turns 200.
@Suite(.serialized) struct StartupTests {
    /// Another process holds the listen port of one input: the shipper exits non-zero at once, naming the
    /// input, the address and the reason; the journald input beside it ships nothing; `/ready` is never 200.
    @Test(arguments: ["syslog", "infologger"]) func aTakenPortStopsTheWholeStart(kind: String) throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(taggedEntries("start", count: 50), name: "farm")
        let taken = try listenOnLoopback(what: "the process that holds the port")
        defer { close(taken.fd) }
        let metricsPort = freePort()
        let shipper = try ShipperProcess(.init(clusterURL: osmem.url, inputs: [("farm", fx.directory)], metricsPort: metricsPort))
        defer { shipper.remove() }
        let (input, address) = kind == "syslog"
            ? (["  - type: syslog", "    id: net", "    listen: [\"tcp://127.0.0.1:\(taken.port)\"]"], "tcp://127.0.0.1:\(taken.port)")
            : (["  - type: infologger", "    id: net", "    mode: server", "    listen: 127.0.0.1:\(taken.port)"], "127.0.0.1:\(taken.port)")
        try shipper.writeRawConfig(ShipperProcess.yaml(shipper.options, stateDirectory: shipper.stateDirectory)
                                   + input.joined(separator: "\n") + "\n")

        let started = Date()
        let process = try shipper.start()
        var readyAnswers = 0
        while process.isRunning && Date().timeIntervalSince(started) < 30 {
            if httpGet(port: metricsPort, "/ready")?.status == 200 { readyAnswers += 1 }
            usleep(10_000)
        }
        let status = try shipper.wait(timeout: 1)
        let took = Date().timeIntervalSince(started)
        let output = shipper.stderr + shipper.stdout

        #expect(status != 0, "\(output.suffix(2000))")
        #expect(took < 10, "exited after \(took) s")
        #expect(readyAnswers == 0, "/ready answered 200 \(readyAnswers) times")
        let line = output.split(separator: "\n").first { $0.contains("did not start") }.map(String.init) ?? ""
        #expect(line.hasSuffix("input net (type \(kind)) did not start: " + (kind == "syslog" ? "cannot listen on \(address)" : "bind \(address)")
                               + ": Address already in use"), "\(output.suffix(2000))")
        #expect(!output.contains("errno") && !output.contains("descriptor:"), "\(output.suffix(2000))")
        #expect(try osmem.count("logs-*") == 0, "the journald input must not have run")
        #expect(shipper.savedCheckpoint("farm") == nil)
    }

    /// A SIGHUP whose new input cannot listen does not take the service down: the previous configuration runs
    /// again (its inputs were open a moment ago), and keeps shipping.
    @Test func aReloadThatCannotStartFallsBackToTheRunningConfiguration() throws {
        let osmem = try OsmemServer()
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(taggedEntries("fall", count: 40), name: "a")
        let taken = try listenOnLoopback(what: "the process that holds the port")
        defer { close(taken.fd) }
        let metricsPort = freePort()
        let shipper = try ShipperProcess(.init(clusterURL: osmem.url, inputs: [("farm", fx.directory)], metricsPort: metricsPort))
        defer { shipper.remove() }
        try shipper.start()
        #expect(try eventually(30) { try osmem.count("logs-*") == 40 }, "\(shipper.stderr.suffix(2000))")
        #expect(eventually(10) { httpGet(port: metricsPort, "/ready")?.status == 200 })

        try shipper.writeRawConfig(ShipperProcess.yaml(shipper.options, stateDirectory: shipper.stateDirectory)
                                   + "  - type: syslog\n    id: net\n    listen: [\"tcp://127.0.0.1:\(taken.port)\"]\n")
        shipper.signal(SIGHUP)
        #expect(eventually(30) { shipper.stderr.contains("the new configuration could not start; running the previous one again") },
                "\(shipper.stderr.suffix(2000))")
        #expect(shipper.stderr.contains("input net (type syslog) did not start: cannot listen on tcp://127.0.0.1:\(taken.port): Address already in use"))
        #expect(eventually(10) { httpGet(port: metricsPort, "/ready")?.status == 200 }, "the previous inputs are open again")
        try fx.write(taggedEntries("fall", count: 40, from: 40, bootSeed: 0xfa11), name: "b")
        #expect(try eventually(30) { try osmem.count("logs-*") == 80 }, "\(shipper.stderr.suffix(2000))")
        #expect(httpGet(port: metricsPort, "/metrics").flatMap { metric($0.body, "logbridge_config_reloads_total") } == 0)
        shipper.signal(SIGTERM)
        #expect(try shipper.wait(timeout: 30) == 0)
        try expectExactlyOnce(osmem, expectedMessages("fall", 0..<80))
    }
}
