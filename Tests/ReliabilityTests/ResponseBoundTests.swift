import Foundation
import Testing
import TestSupport

/// `_bulk` answers are read only as far as their handling needs: a proxy answers one batch with a huge 200
/// (osmem's real answer padded with spaces, still valid JSON) and the next with a huge 500 (an error page).
/// The shipper's memory stays flat, the discarded bytes are counted on `/metrics`, the 500 is retried and the
/// oversized 200 is retried whole (its items come back 409): every event lands exactly once.
@Suite(.serialized) struct ResponseBoundTests {
    @Test func hugeBulkAnswersAreDiscardedCountedAndRetried() throws {
        let osmem = try OsmemServer()
        let huge = Soak.scale(256 << 20, 400 << 20)
        var plan = FaultProxy.Plan()
        // The padded 200 first: both refusals are logged from one call site, rate-limited to a line per 5 s, so
        // the one the test reads must be the first (a 500 first hid it whenever the two came within 5 s).
        plan.hugeAnswers = [.init(status: 200, bytes: huge), .init(status: 500, bytes: huge)]
        let proxy = try FaultProxy(upstreamPort: osmem.port, plan: plan)
        defer { proxy.stop() }
        let fx = try JournalFixture(); defer { fx.remove() }
        let total = 200
        try fx.write(taggedEntries("huge", count: total), name: "farm")
        let metricsPort = freePort()
        let shipper = try ShipperProcess(.init(clusterURL: proxy.url, inputs: [("farm", fx.directory)], batchDocs: 50,
                                               inFlight: 1, requestTimeout: "30s", metricsPort: metricsPort))
        defer { shipper.remove() }

        let started = Date()
        let process = try shipper.start()
        #expect(try eventually(60) { try osmem.count("logs-*") == total }, "\(shipper.stderr.suffix(2000))")
        let metrics = try #require(httpGet(port: metricsPort, "/metrics")?.body)
        let peak = peakResidentMegabytes(process.processIdentifier)
        let took = Date().timeIntervalSince(started)
        shipper.signal(SIGTERM)
        #expect(try shipper.wait(timeout: 30) == 0)

        // Before the bound the whole body was held: 256 MiB took the process past 300 MB (400 MiB: 514 MB).
        #expect(peak > 0 && peak < 120, "peak RSS \(peak) MB with two \(huge >> 20) MiB answers")
        let discarded = metric(metrics, "logbridge_output_response_discarded_bytes_total") ?? 0
        #expect(discarded >= Double(2 * huge - (4 << 20)), "discarded \(discarded) of two \(huge)-byte answers")
        #expect(metric(metrics, "logbridge_output_failed_requests_total") == 2)
        // The padded 200 came after osmem created its batch's items (up to 50); the whole retry finds them there.
        let duplicates = metric(metrics, "logbridge_output_duplicates_total") ?? 0
        #expect(duplicates >= 1 && duplicates <= 50, "\(duplicates) duplicates")
        #expect(shipper.stderr.contains("_bulk response larger than"), "\(shipper.stderr.suffix(2000))")
        try expectExactlyOnce(osmem, expectedMessages("huge", 0..<total))
        print("[reliability] response bound: two \(huge >> 20) MiB answers, \(Int(discarded) >> 20) MiB discarded, peak RSS \(peak) MB, \(String(format: "%.1f", took)) s to deliver \(total)")
    }
}

/// VmHWM of a running process, in MB.
func peakResidentMegabytes(_ pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return -1 }
    return kb / 1024
}
