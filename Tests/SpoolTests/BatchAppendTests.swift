import Testing
import Foundation
import Glibc
@testable import Spool

/// `append(_: SpoolWriteBatch)`: a burst written with one write must read back exactly like single appends.
@Suite struct BatchAppendTests {
    func batch(_ numbers: Range<Int>, padTo size: Int = 0) throws -> SpoolWriteBatch {
        var b = SpoolWriteBatch()
        for i in numbers { try b.append(bulkItem(i, padTo: size)) }
        return b
    }

    @Test func roundTripAcrossSegmentsMatchesSingleAppends() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 4096, fsync: .never), logger: quietLogger)
        var b = SpoolWriteBatch()
        var ends: [SpoolPosition] = []
        for burst in 0..<20 {
            b.removeAll()
            for i in (burst * 50)..<(burst * 50 + 50) {
                try b.appendRecord { $0.append(contentsOf: bulkItem(i, padTo: 100)) }
            }
            #expect(b.count == 50)
            ends.append(try #require(try spool.append(b)))
        }
        #expect(try spool.append(SpoolWriteBatch()) == nil)
        let records = try readAll(spool)
        #expect(records.compactMap { itemNumber($0.payload) } == Array(0..<1000))
        #expect(records.map(\.payload) == (0..<1000).map { bulkItem($0, padTo: 100) })
        // Each burst's position is the end of its last record; the burst was split at record boundaries, so
        // no segment grew past its size (except for a single record larger than it, not the case here).
        #expect((0..<20).map { i in records[i * 50 + 49].end } == ends)
        #expect(segmentFiles(dir.spool).count > 10)
        for f in segmentFiles(dir.spool) { #expect(fileSize(dir.spool + "/" + f) <= 4096) }
        let m = spool.metrics()
        #expect(m.recordsAppended == 1000)
        spool.close()
    }

    @Test func tooLargeRecordIsRefusedAndTheBatchKept() throws {
        var b = SpoolWriteBatch(maxRecordBytes: 64)
        try b.append(bulkItem(1))
        let before = b.bytes
        #expect(throws: SpoolError.recordTooLarge(bytes: 200, limit: 64)) {
            try b.appendRecord { $0.append(contentsOf: [UInt8](repeating: 0x41, count: 200)) }
        }
        #expect(b.count == 1 && b.bytes == before)
    }

    @Test func crashTornInsideABatchKeepsTheWholeRecordsBeforeIt() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        var spool: Spool? = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        let first = try #require(try spool!.append(try batch(0..<10)))
        let second = try batch(10..<30)
        try spool!.append(second)
        spool = nil   // a crash: nothing flushed, nothing closed
        // Cut the second burst in the middle of record 25 (as a crash during its write would leave it).
        let seg = dir.spool + "/" + segmentFiles(dir.spool)[0]
        let end25 = first.offset + second.ends[14]   // just after record 24
        let cut = end25 + 30
        #expect(truncate(seg, off_t(cut)) == 0)

        let reopened = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        #expect(reopened.metrics().corruptTailsTruncated == 1)
        #expect(fileSize(seg) == end25)
        #expect(try readAll(reopened).compactMap { itemNumber($0.payload) } == Array(0..<25))
        try reopened.append(try batch(100..<102))
        #expect(try readAll(reopened).compactMap { itemNumber($0.payload) }.suffix(2) == [100, 101])
        reopened.close()
    }

    @Test func blockWaitsForRoomThenTimesOutWithAPrefixWritten() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 1024, maxBytes: 4096, fsync: .never,
                                           appendTimeout: 0.2), logger: quietLogger)
        let start = Date()
        #expect(throws: SpoolError.full(timeout: 0.2)) { try spool.append(try batch(0..<100)) }
        #expect(Date().timeIntervalSince(start) >= 0.19)
        let m = spool.metrics()
        #expect(m.bytesOnDisk <= 4096)
        #expect(m.blockedAppends == 1)
        // What was written is a whole-record prefix of the burst, in order.
        let got = try readAll(spool).compactMap { itemNumber($0.payload) }
        #expect(got.count == m.recordsAppended && got.count > 20)
        #expect(got == Array(0..<got.count))
        spool.close()
    }

    @Test func blockedBatchResumesAfterAcknowledgement() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let (spool, acked) = try fullSpoolAcknowledgedSoon(dir)
        let start = Date()
        let end = try #require(try spool.append(try batch(0..<10)))
        #expect(Date().timeIntervalSince(start) >= 0.15)
        #expect(spool.metrics().blockedAppends == 1)
        #expect(spool.metrics().droppedRecords == 0)
        let got = try readAll(spool, from: acked).compactMap { itemNumber($0.payload) }
        #expect(got == Array(0..<10))
        #expect(spool.endPosition == end)
        spool.close()
    }

    @Test func dropOldestMakesRoomForABatch() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 1024, maxBytes: 4096, fsync: .never,
                                           whenFull: .dropOldest), logger: quietLogger)
        for burst in 0..<10 { try spool.append(try batch((burst * 20)..<(burst * 20 + 20))) }
        let m = spool.metrics()
        #expect(m.bytesOnDisk <= 4096)
        #expect(m.droppedRecords > 0)
        let got = try readAll(spool).compactMap { itemNumber($0.payload) }
        #expect(got.count + m.droppedRecords == 200)
        #expect(got == Array((200 - got.count)..<200))
        spool.close()
    }

    @Test func alwaysPolicyMakesTheBatchDurable() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .always), logger: quietLogger)
        let end = try #require(try spool.append(try batch(0..<50)))
        #expect(spool.durablePosition >= end)
        #expect(spool.metrics().fsyncs >= 1)
        spool.close()
    }
}
