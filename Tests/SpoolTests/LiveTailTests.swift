import Testing
import Foundation
import Glibc
@testable import Spool

@Suite struct LiveTailTests {
    @Test func readerSeesRecordsAppendedConcurrently() async throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 8192, fsync: .never), logger: quietLogger)
        let total = 3000
        let writer = Thread {
            for i in 0..<total {
                _ = try? spool.append(bulkItem(i))
                if i % 100 == 0 { usleep(2000) }
            }
        }
        writer.start()
        let reader = SpoolReader(spool: spool)
        var seen: [Int] = []
        while seen.count < total, let r = try reader.next(timeout: 5) { seen.append(itemNumber(r.payload) ?? -1) }
        #expect(seen == Array(0..<total))
        // Nothing more, and waiting for it times out instead of spinning.
        let start = Date()
        #expect(try reader.next(timeout: 0.2) == nil)
        #expect(Date().timeIntervalSince(start) >= 0.19)
        spool.close()
    }

    @Test func durableOnlyReaderWaitsForTheFsync() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        let end = try spool.append(bulkItem(1))
        let reader = SpoolReader(spool: spool, durableOnly: true)
        #expect(try reader.next(timeout: 0.05) == nil)
        try spool.waitDurable(end)
        #expect(try reader.next(timeout: 0.05)?.end == end)
        spool.close()
    }

    @Test func concurrentAppendersUnderAlwaysShareFsyncs() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 64 << 10, fsync: .always), logger: quietLogger)
        let threads = 4, each = 200
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            Thread {
                for i in 0..<each { _ = try? spool.append(bulkItem(t * 10_000 + i)) }
                group.leave()
            }.start()
        }
        group.wait()
        let m = spool.metrics()
        #expect(m.recordsAppended == threads * each)
        #expect(m.fsyncs < threads * each, "group commit should merge fsyncs: \(m.fsyncs)")
        #expect(spool.durablePosition == spool.endPosition)
        let numbers = try readAll(spool).compactMap { itemNumber($0.payload) }
        #expect(Set(numbers).count == threads * each)
        for t in 0..<threads {  // each appender's records in its own order
            let mine = numbers.filter { $0 / 10_000 == t }
            #expect(mine == mine.sorted())
        }
        spool.close()
    }

    @Test func intervalPolicyFlushesInTheBackground() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .interval(seconds: 0.05)), logger: quietLogger)
        let end = try spool.append(bulkItem(1))
        #expect(spool.durablePosition < end)
        let deadline = Date().addingTimeInterval(3)
        while spool.durablePosition < end && Date() < deadline { usleep(10_000) }
        #expect(spool.durablePosition == end)
        spool.close()
    }
}
