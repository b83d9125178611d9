import Logging
import Reporting
import Synchronization
import Testing
@testable import Telemetry

/// Collects what reaches the wrapped handler.
final class Collected: Sendable {
    let lines = Mutex<[(Logger.Level, String, Logger.Metadata?)]>([])
}

struct CollectingHandler: LogHandler {
    let sink: Collected
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
             function: String, line: UInt) {
        var all = self.metadata
        all.merge(metadata ?? [:]) { _, n in n }
        sink.lines.withLock { $0.append((level, "\(message)", all)) }
    }
}

final class FakeClock: Sendable {
    let now = Mutex<Double>(0)
    func advance(_ s: Double) { now.withLock { $0 += s } }
}

@Suite struct RateLimitedLogHandlerTests {
    @Test func aStormFromOneCallSiteBecomesOneLinePerIntervalWithACount() {
        let sink = Collected()
        let clock = FakeClock()
        let limiter = LogThrottle(seconds: 5, clock: { clock.now.withLock { $0 } })
        let logger = Logger(label: "t", factory: { _ in CollectingHandler(sink: sink) }).rateLimited(limiter)
        func diskFull(_ i: Int) { logger.error("disk full \(i)") }  // one call site
        for i in 0..<1000 { diskFull(i) }
        #expect(sink.lines.withLock { $0.count } == 1)
        clock.advance(5.1)
        diskFull(1000)
        let lines = sink.lines.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines[1].2?["suppressed"] == "999")
    }

    @Test func differentCallSitesAndInputsAreLimitedSeparatelyAndInfoPasses() {
        let sink = Collected()
        let limiter = LogThrottle(seconds: 5, clock: { 0 })
        let base = Logger(label: "t", factory: { _ in CollectingHandler(sink: sink) }).rateLimited(limiter)
        var a = base; a[metadataKey: "input"] = "a"
        var b = base; b[metadataKey: "input"] = "b"
        for _ in 0..<10 {
            a.warning("same site")
            b.warning("same site")
        }
        for _ in 0..<10 { base.info("start") }
        let lines = sink.lines.withLock { $0 }
        #expect(lines.filter { $0.0 == .warning }.count == 2)
        #expect(lines.filter { $0.0 == .info }.count == 10)
    }
}
