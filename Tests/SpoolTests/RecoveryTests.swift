import Testing
import Foundation
import Glibc
@testable import Spool

@Suite struct RecoveryTests {
    /// Writes `count` records into one segment and drops the spool without closing it.
    func writeAndCrash(_ dir: TempDirectory, count: Int, segmentBytes: Int = 1 << 20) throws -> [SpoolPosition] {
        var spool: Spool? = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: segmentBytes, fsync: .never), logger: quietLogger)
        var ends: [SpoolPosition] = []
        for i in 0..<count { ends.append(try spool!.append(bulkItem(i))) }
        spool = nil
        return ends
    }

    @Test func tornTailIsTruncatedAndCounted() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let ends = try writeAndCrash(dir, count: 50)
        let seg = dir.spool + "/" + segmentFiles(dir.spool)[0]
        let cut = ends[48].offset + 7   // in the middle of record 49's header
        #expect(truncate(seg, off_t(cut)) == 0)

        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        let m = spool.metrics()
        #expect(m.corruptTailsTruncated == 1)
        #expect(m.bytesDiscarded == 7)
        #expect(fileSize(seg) == ends[48].offset)
        #expect(try readAll(spool).map { itemNumber($0.payload) } == (0..<49).map { $0 })
        // New appends go to a new segment and are read after the old ones.
        try spool.append(bulkItem(100))
        #expect(try readAll(spool).compactMap { itemNumber($0.payload) }.last == 100)
        spool.close()
    }

    @Test func lengthPastTheEndIsATornTail() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let ends = try writeAndCrash(dir, count: 10)
        let seg = dir.spool + "/" + segmentFiles(dir.spool)[0]
        #expect(truncate(seg, off_t(ends[9].offset - 5)) == 0)   // record 9's payload cut short
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        #expect(spool.metrics().corruptTailsTruncated == 1)
        #expect(try readAll(spool).count == 9)
        spool.close()
        // Reopening again finds nothing more to cut.
        let again = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        #expect(again.metrics().corruptTailsTruncated == 0)
        #expect(try readAll(again).count == 9)
        again.close()
    }

    @Test func flippedPayloadByteLosesOnlyThatRecord() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let ends = try writeAndCrash(dir, count: 30)
        let seg = dir.spool + "/" + segmentFiles(dir.spool)[0]
        patchByte(seg, at: ends[11].offset + RecordHeader.size + 10)   // inside record 12's payload

        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        let numbers = try readAll(spool).map { itemNumber($0.payload) }
        #expect(numbers == (0..<30).filter { $0 != 12 }.map { $0 })
        let m = spool.metrics()
        #expect(m.corruptRecordsSkipped == 1)
        #expect(m.corruptTailsTruncated == 0)
        spool.close()
    }

    @Test func flippedByteInTheLastRecordIsACorruptTail() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let ends = try writeAndCrash(dir, count: 5)
        let seg = dir.spool + "/" + segmentFiles(dir.spool)[0]
        patchByte(seg, at: ends[4].offset - 3)
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        #expect(spool.metrics().corruptTailsTruncated == 1)
        #expect(try readAll(spool).count == 4)
        spool.close()
    }

    @Test func brokenHeaderInASealedSegmentSkipsToTheNextSegment() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let ends = try writeAndCrash(dir, count: 60, segmentBytes: 1024)
        let files = segmentFiles(dir.spool)
        #expect(files.count > 4)
        // Corrupt the magic byte of the second record of segment 2 (a sealed segment).
        let inSecond = ends.enumerated().filter { $0.element.segment == 2 }
        let firstEnd = inSecond[0].element.offset
        patchByte(dir.spool + "/" + files[1], at: firstEnd)
        let recordsInSecond = inSecond.count

        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        let numbers = try readAll(spool).compactMap { itemNumber($0.payload) }
        let lost = (inSecond[1].offset...inSecond[recordsInSecond - 1].offset).map { $0 }
        #expect(numbers == (0..<60).filter { !lost.contains($0) })
        #expect(spool.metrics().corruptSegmentsSkipped == 1)
        spool.close()
    }

    @Test func zeroFilledTailIsDiscarded() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let ends = try writeAndCrash(dir, count: 8)
        let seg = dir.spool + "/" + segmentFiles(dir.spool)[0]
        #expect(truncate(seg, off_t(ends[7].offset + 4096)) == 0)   // a grown file whose data never landed
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        #expect(spool.metrics().bytesDiscarded == 4096)
        #expect(try readAll(spool).count == 8)
        spool.close()
    }
}
