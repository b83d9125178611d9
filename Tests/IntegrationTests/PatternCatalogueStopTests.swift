import Foundation
import Testing
import TestSupport

/// A black-holed cluster (connections accepted, nothing answered): the inputs open at once rather than after
/// the start-up probe's request timeout, and at stop the catalogue's round shares the shutdown deadline instead
/// of holding the stop for a request timeout per input; the miners' state is saved all the same.
@Suite struct PatternCatalogueStopTests {
    @Test func aBlackHoledClusterDoesNotHoldTheStopPastItsDeadline() throws {
        // Accepts connections (the kernel completes them from the backlog) and never answers a byte.
        let blackHole = try listenOnLoopback(backlog: 64, what: "black hole")
        defer { close(blackHole.fd) }
        let fx = try JournalFixture(); defer { fx.remove() }
        try fx.write(numberedEntries(200), name: "farm")
        let h = try ShipperHarness(clusterURL: "http://127.0.0.1:\(blackHole.port)", journalDirectory: fx.directory)
        defer { h.remove() }
        try """
            state_dir: \(h.directory)/state
            shutdown_timeout: 2s
            output:
              hosts: ["http://127.0.0.1:\(blackHole.port)"]
              request_timeout: 60s
              batch: {max_docs: 50, flush_interval: 200ms}
            patterns: {catalogue_interval: 1s}
            inputs:
              - type: journald
                id: farm
                directory: \(fx.directory)
            """.write(toFile: h.configPath, atomically: true, encoding: .utf8)

        let ship = try h.start(["ship", "--config", h.configPath])
        defer { if ship.isRunning { kill(ship.processIdentifier, SIGKILL) } }
        // Past the first catalogue round, which is now waiting on the black hole like the batches are.
        Thread.sleep(forTimeInterval: 3)
        #expect(ship.isRunning)
        let stopAt = Date()
        kill(ship.processIdentifier, SIGTERM)
        while ship.isRunning && Date().timeIntervalSince(stopAt) < 40 { usleep(20_000) }
        let took = Date().timeIntervalSince(stopAt)
        if ship.isRunning { kill(ship.processIdentifier, SIGKILL) }
        ship.waitUntilExit()
        let log = (try? String(contentsOfFile: h.directory + "/stderr.log", encoding: .utf8)) ?? ""
        // 2 s of deadline plus the state save and exit; before, the round held the stop for the 60 s request
        // timeout.
        #expect(took < 8, "stop took \(took) s; log:\n\(log)")
        #expect(log.contains("inputs open"), "\(log)")
        #expect(log.contains("pattern catalogue: the cluster did not answer by the shutdown deadline"), "\(log)")
        // The pattern the journal's 200 entries share was saved for the next start.
        let state = try String(contentsOfFile: h.directory + "/state/patterns/farm.patterns", encoding: .utf8)
        #expect(state.split(separator: "\n").contains { $0.hasPrefix("p ") && $0.contains("\tentry <*>\t") }, "\(state)")
    }
}
