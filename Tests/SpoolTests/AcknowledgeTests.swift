import Testing
import Foundation
import Glibc
import Pipeline
@testable import Spool

@Suite struct AcknowledgeTests {
    @Test func acknowledgeDeletesSegmentsAndARestartedReaderSeesExactlyTheRest() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let options = SpoolOptions(directory: dir.spool, segmentBytes: 1024, fsync: .always)
        var spool: Spool? = try Spool(options, logger: quietLogger)
        for i in 0..<100 { try spool!.append(bulkItem(i)) }
        let before = segmentFiles(dir.spool).count

        // Ship the first 37 records, persist the checkpoint like the shipper does, then acknowledge.
        let reader = SpoolReader(spool: spool!)
        var builder = BatchBuilder(inputID: "syslog", maxDocuments: 37, maxBytes: 1 << 20)
        let cp = try #require(try reader.fill(&builder, maxWait: 0.1))
        #expect(builder.batch.count == 37)
        let store = try CheckpointStore(stateDirectory: dir.path + "/state")
        try store.save(cp.checkpoint, inputID: "syslog")
        spool!.acknowledge(upTo: cp)
        let after = segmentFiles(dir.spool)
        #expect(after.count < before)
        #expect(after.first == String(format: "%020llu.seg", cp.segment))
        #expect(spool!.metrics().oldestUnacknowledgedMicros != nil)

        spool = nil  // crash
        let reopened = try Spool(options, logger: quietLogger)
        let persisted = try #require(try store.load(inputID: "syslog").flatMap(SpoolPosition.init(checkpoint:)))
        #expect(persisted == cp)
        let rest = try readAll(reopened, from: persisted).compactMap { itemNumber($0.payload) }
        #expect(rest == Array(37..<100))
        reopened.close()
    }

    @Test func acknowledgingEverythingKeepsOnlyTheActiveSegment() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 512, fsync: .never), logger: quietLogger)
        var end = SpoolPosition(segment: 0, offset: 0)
        for i in 0..<40 { end = try spool.append(bulkItem(i)) }
        spool.acknowledge(upTo: end)
        #expect(segmentFiles(dir.spool).count == 1)
        #expect(spool.metrics().oldestUnacknowledgedMicros == nil)
        #expect(spool.metrics().bytesOnDisk == fileSize(dir.spool + "/" + segmentFiles(dir.spool)[0]))
        spool.close()
        // Ids keep increasing across restarts even when everything was deleted.
        let again = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        let next = try again.append(bulkItem(1))
        #expect(next.segment > end.segment)
        #expect(try readAll(again, from: end).count == 1)
        again.close()
    }

    @Test func oldestUnacknowledgedAgeComesFromTheRecordHeader() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        let before = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        let first = try spool.append(bulkItem(1))
        usleep(20_000)
        try spool.append(bulkItem(2))
        let oldest = try #require(spool.metrics().oldestUnacknowledgedMicros)
        #expect(oldest >= before - 1000 && oldest < before + 15_000)
        spool.acknowledge(upTo: first)
        #expect(try #require(spool.metrics().oldestUnacknowledgedMicros) >= oldest + 15_000)
        spool.close()
    }
}

@Suite struct CapTests {
    @Test func blockWaitsThenTimesOut() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 1024, maxBytes: 4096, fsync: .never,
                                           appendTimeout: 0.2), logger: quietLogger)
        var appended = 0
        let start = Date()
        do {
            while appended < 1000 { try spool.append(bulkItem(appended)); appended += 1 }
        } catch let e as SpoolError {
            #expect(e == .full(timeout: 0.2))
        }
        #expect(appended > 20 && appended < 1000)
        #expect(Date().timeIntervalSince(start) >= 0.19)
        #expect(spool.metrics().bytesOnDisk <= 4096)
        #expect(spool.metrics().blockedAppends == 1)
        spool.close()
    }

    @Test func blockedAppendResumesAfterAcknowledgement() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let (spool, _) = try fullSpoolAcknowledgedSoon(dir)
        let start = Date()
        for i in 0..<10 { try spool.append(bulkItem(i)) }  // needs room: waits for the acknowledgement
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 0.15 && waited < 5)
        #expect(spool.metrics().blockedAppends >= 1)
        #expect(spool.metrics().droppedRecords == 0)
        spool.close()
    }

    @Test func dropOldestDropsAndCounts() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 1024, maxBytes: 4096, fsync: .never,
                                           whenFull: .dropOldest), logger: quietLogger)
        for i in 0..<300 { try spool.append(bulkItem(i)) }
        let m = spool.metrics()
        #expect(m.bytesOnDisk <= 4096)
        #expect(m.droppedRecords > 0 && m.droppedSegments > 0)
        let left = try readAll(spool).compactMap { itemNumber($0.payload) }
        // What is left is the newest records, contiguous, and left + dropped accounts for every record.
        #expect(left == Array((300 - left.count)..<300))
        #expect(left.count + m.droppedRecords == 300)
        spool.close()
    }

    /// The reader is part way through the oldest segment (nothing acknowledged: the cluster is away) when appends
    /// push the spool over its cap. The segment it holds open is dropped from disk but still read to its end, and
    /// what it read is not counted as dropped: read + dropped is exactly what was appended, each record once.
    @Test func dropOldestCountsOnlyWhatTheReaderWillNeverSee() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 1024, maxBytes: 4096, fsync: .never,
                                           whenFull: .dropOldest), logger: quietLogger)
        for i in 0..<20 { try spool.append(bulkItem(i)) }
        let reader = SpoolReader(spool: spool)
        var read: [Int] = []
        for _ in 0..<5 { if let r = try reader.next(timeout: 0.05), let n = itemNumber(r.payload) { read.append(n) } }
        #expect(read == Array(0..<5))
        for i in 20..<300 { try spool.append(bulkItem(i)) }
        let m = spool.metrics()
        #expect(m.droppedSegments > 0 && m.droppedRecords > 0)
        while let r = try reader.next(timeout: 0.05) { if let n = itemNumber(r.payload) { read.append(n) } }
        #expect(Set(read).count == read.count, "no record read twice")
        #expect(read.count + m.droppedRecords == 300, "read \(read.count) + dropped \(m.droppedRecords)")
        // The open segment was read to its end although dropped (past the 5 read before), then the newest records.
        let k = read.indices.first { read[$0] != $0 } ?? read.count
        #expect(k > 5, "\(read.prefix(30))")
        #expect(Array(read[k...]) == Array((300 - (read.count - k))..<300))
        spool.close()
    }
}
