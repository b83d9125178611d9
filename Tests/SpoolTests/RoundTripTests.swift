import Testing
import Foundation
import Pipeline
@testable import Spool

@Suite struct RoundTripTests {
    @Test func recordsComeBackInOrderAcrossManySegments() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 2048, fsync: .never), logger: quietLogger)
        var ends: [SpoolPosition] = []
        for i in 0..<600 { ends.append(try spool.append(bulkItem(i, padTo: (i * 37) % 400))) }
        #expect(segmentFiles(dir.spool).count > 50)
        #expect(ends == ends.sorted())

        let records = try readAll(spool)
        #expect(records.map(\.payload) == (0..<600).map { bulkItem($0, padTo: ($0 * 37) % 400) })
        #expect(records.map(\.end) == ends)
        let m = spool.metrics()
        #expect(m.recordsAppended == 600)
        #expect(m.segments == segmentFiles(dir.spool).count)
        #expect(m.bytesOnDisk == segmentFiles(dir.spool).reduce(0) { $0 + fileSize(dir.spool + "/" + $1) })
        spool.close()
    }

    @Test func directoryAndFilesArePrivate() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never), logger: quietLogger)
        try spool.append(bulkItem(1))
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir.spool)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: dir.spool + "/" + segmentFiles(dir.spool)[0])[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(fileMode == 0o600)
        #expect(segmentFiles(dir.spool) == ["00000000000000000001.seg"])
        spool.close()
    }

    @Test func fillBuildsBulkItemsAndReturnsTheCheckpoint() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 4096, fsync: .never), logger: quietLogger)
        for i in 0..<25 { try spool.append(bulkItem(i)) }
        try spool.append(Array("no newline at all".utf8))
        let last = try spool.append(bulkItem(25))

        let reader = SpoolReader(spool: spool)
        var builder = BatchBuilder(inputID: "syslog", maxDocuments: 10, maxBytes: 1 << 20)
        let first = try reader.fill(&builder, maxWait: 0.05)
        let batch1 = builder.take(checkpoint: first.map(\.checkpoint))
        #expect(batch1.count == 10)
        #expect(Array(batch1.actionLine(3)) == Array("{\"create\":{\"_id\":\"3\"}}\n".utf8))
        #expect(Array(batch1.body[batch1.items[0].start..<batch1.items[9].end]) == (0..<10).flatMap { bulkItem($0) })

        var all = batch1.items.count
        var checkpoint = first
        while let cp = try reader.fill(&builder, maxWait: 0.05) {
            all += builder.take(checkpoint: cp.checkpoint).count
            checkpoint = cp
        }
        #expect(all == 26)
        #expect(checkpoint == last)
        #expect(spool.metrics().malformedRecords == 1)
        #expect(try reader.fill(&builder, maxWait: 0.02) == nil)
        spool.close()
    }

    @Test func positionsRoundTripThroughCheckpoints() {
        let p = SpoolPosition(segment: 42, offset: 1234)
        #expect(p.checkpoint == Checkpoint("spool:42:1234"))
        #expect(SpoolPosition(checkpoint: p.checkpoint) == p)
        for bad in ["spool:1", "spool:x:1", "spool:1:-2", "file:1:2", "spool:1:2:3", ""] {
            #expect(SpoolPosition(checkpoint: Checkpoint(bad)) == nil)
        }
        #expect(SpoolPosition(segment: 1, offset: 900) < SpoolPosition(segment: 2, offset: 0))
    }

    @Test func crcMatchesTheCastagnoliCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        let long = (0..<1000).map { UInt8($0 & 0xFF) }
        // Split updates agree with one pass (the writer checksums header and payload separately).
        let split = long.withUnsafeBytes { CRC32C.update(CRC32C.update(0, UnsafeRawBufferPointer(rebasing: $0[..<333])),
                                                         UnsafeRawBufferPointer(rebasing: $0[333...])) }
        #expect(split == CRC32C.checksum(long))
    }

    @Test func oversizedRecordsAreRefused() throws {
        let dir = TempDirectory(); defer { dir.cleanup() }
        let spool = try Spool(SpoolOptions(directory: dir.spool, fsync: .never, maxRecordBytes: 100), logger: quietLogger)
        #expect(throws: SpoolError.recordTooLarge(bytes: 101, limit: 100)) { try spool.append([UInt8](repeating: 1, count: 101)) }
        spool.close()
    }
}
