import Testing
import Foundation
@testable import Spool

/// Append throughput for docs/spool.md. Off by default; run with
/// `SPOOL_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter Throughput`.
@Suite struct ThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SPOOL_BENCH"] != nil))
    func appendThroughputOf300ByteRecords() throws {
        let record = [UInt8](repeating: 0x61, count: 300)
        let policies: [(String, FsyncPolicy)] = [("always", .always), ("interval(1s)", .interval(seconds: 1)), ("never", .never)]
        for (name, policy) in policies {
            for threads in [1, 4] {
                let dir = TempDirectory("bench"); defer { dir.cleanup() }
                let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: policy), logger: quietLogger)
                let seconds = 2.0
                let start = Date()
                let group = DispatchGroup()
                // Real threads, like one per network connection (a 2-core dispatch pool would run only two).
                for _ in 0..<threads {
                    group.enter()
                    Thread {
                        while Date().timeIntervalSince(start) < seconds { _ = try? spool.append(record) }
                        group.leave()
                    }.start()
                }
                group.wait()
                let elapsed = Date().timeIntervalSince(start)
                let m = spool.metrics()
                spool.close()
                let rate = Double(m.recordsAppended) / elapsed
                print(String(format: "BENCH %-13@ threads=%d  %9.0f appends/s  %7.1f MB/s  fsyncs=%d",
                             name as NSString, threads, rate, Double(m.bytesAppended) / elapsed / 1e6, m.fsyncs))
            }
        }
    }
}
