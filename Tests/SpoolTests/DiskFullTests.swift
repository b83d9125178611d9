import Testing
import Foundation
import Glibc
import Synchronization
import TestSupport
@testable import Spool

/// A real full file system: a 1 MiB tmpfs (`TmpfsMount`).
@Suite struct DiskFullTests {
    @Test func appendWaitsCleanlyOnAFullDiskAndRecoversWhenSpaceIsFreed() throws {
        let dir = TempDirectory("diskfull"); defer { dir.cleanup() }
        let mnt = try TmpfsMount(at: dir.path + "/mnt", size: "1m").path
        defer { umount2(mnt, Int32(MNT_DETACH)) }
        let spoolDir = mnt + "/spool"
        let ballast = mnt + "/ballast"
        let options = SpoolOptions(directory: spoolDir, segmentBytes: 64 << 10, maxBytes: 100 << 20, fsync: .always,
                                   appendTimeout: 0.3, diskFullRetrySeconds: 0.02)

        // 256 KiB of someone else's file, deleted later to free space.
        let b = open(ballast, O_WRONLY | O_CREAT, 0o600)
        var chunk = [UInt8](repeating: 7, count: 256 << 10)
        #expect(write(b, &chunk, chunk.count) == chunk.count)
        close(b)

        // Fill the disk until an append gives up; it must throw diskFull, not crash or leave half a record.
        let full = try Spool(options, logger: quietLogger)
        var appended = 0
        var thrown: SpoolError?
        do {
            while appended < 100_000 { try full.append(bulkItem(appended, padTo: 300)); appended += 1 }
        } catch let e as SpoolError { thrown = e }
        #expect(thrown == .diskFull(errno: ENOSPC))
        #expect(appended > 1000)
        #expect(full.metrics().diskFullEvents >= 1)
        full.close()

        let reopened = try Spool(options, logger: quietLogger)
        #expect(reopened.metrics().corruptTailsTruncated == 0, "a half-written record was left behind")
        #expect(try readAll(reopened).compactMap { itemNumber($0.payload) } == Array(0..<appended))

        // The disk is still full: an append waits (block) and goes through once space is freed.
        let patient = SpoolOptions(directory: spoolDir, segmentBytes: 64 << 10, maxBytes: 100 << 20, fsync: .always,
                                   appendTimeout: 10, diskFullRetrySeconds: 0.02)
        reopened.close()
        let spool = try Spool(patient, logger: quietLogger)
        let done = Flag()
        let writer = Thread {
            for i in 0..<200 { _ = try? spool.append(bulkItem(1_000_000 + i, padTo: 300)) }
            done.set()
        }
        writer.start()
        usleep(300_000)
        #expect(!done.isSet, "append should wait while the disk is full")
        #expect(spool.metrics().diskFullEvents >= 1)
        unlink(ballast)
        let deadline = Date().addingTimeInterval(10)
        while !done.isSet && Date() < deadline { usleep(10_000) }
        #expect(done.isSet)
        let tail = try readAll(spool).compactMap { itemNumber($0.payload) }.filter { $0 >= 1_000_000 }
        #expect(tail == Array(1_000_000..<1_000_200))
        spool.close()
    }
}

extension DiskFullTests {
    /// The spool itself fills the disk, with one big segment (the default 64 MiB is far more than the disk).
    /// Once the reader's position is acknowledged the space must come back although the disk never had room
    /// for a new record: the full segment is sealed so that acknowledgement can delete it.
    @Test func spoolThatFillsTheDiskItselfFreesItOnAcknowledgement() throws {
        let dir = TempDirectory("diskfull-self"); defer { dir.cleanup() }
        let mnt = try TmpfsMount(at: dir.path + "/mnt", size: "512k").path
        defer { umount2(mnt, Int32(MNT_DETACH)) }
        let spool = try Spool(SpoolOptions(directory: mnt + "/spool", fsync: .never, appendTimeout: 10,
                                           diskFullRetrySeconds: 0.02), logger: quietLogger)
        let writer = Thread {
            for i in 0..<3000 { _ = try? spool.append(bulkItem(i, padTo: 300)) }
        }
        writer.start()
        let reader = SpoolReader(spool: spool)
        var seen: [Int] = []
        var lastEnd: SpoolPosition?
        let deadline = Date().addingTimeInterval(30)
        while seen.count < 3000 && Date() < deadline {
            guard let r = try reader.next(timeout: 0.2) else {
                // Nothing new: the writer is waiting for space; acknowledging what was read must make some.
                if let lastEnd { spool.acknowledge(upTo: lastEnd) }
                continue
            }
            seen.append(itemNumber(r.payload) ?? -1)
            lastEnd = r.end
        }
        #expect(seen == Array(0..<3000), "read \(seen.count) of 3000 through a 512 KiB disk")
        #expect(spool.metrics().diskFullEvents >= 1, "the disk should have filled up")
        spool.close()
    }
}

final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
