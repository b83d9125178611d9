import Testing
import Foundation
@testable import Pipeline
import TestSupport

@Suite struct CheckpointStoreTests {
    @Test func savesAtomicallyAndReloads() throws {
        let dir = NSTemporaryDirectory() + "lb-cp-\(UUID().uuidString)"
        let store = try CheckpointStore(stateDirectory: dir)
        #expect(try store.load(inputID: "sys/journal") == nil)
        try store.save(Checkpoint("s=1;i=2"), inputID: "sys/journal")
        try store.save(Checkpoint("s=1;i=3"), inputID: "sys/journal")
        #expect(try store.load(inputID: "sys/journal") == Checkpoint("s=1;i=3"))
        #expect(!FileManager.default.fileExists(atPath: store.path(for: "sys/journal") + ".tmp"))
        let attrs = try FileManager.default.attributesOfItem(atPath: dir)
        #expect((attrs[.posixPermissions] as? Int) == 0o700)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A real full file system (a tmpfs; the tests run as root): the temporary file cannot be written, the
    /// reserved file is overwritten in place, and a shorter value never leaves the tail of a longer one.
    @Test func savesInPlaceWhenTheDiskIsFull() throws {
        let disk = try TmpfsMount(at: NSTemporaryDirectory() + "lb-cp-full-\(UUID().uuidString)", size: "64k")
        let dir = disk.path
        defer { disk.unmount(); rmdir(dir) }
        let store = try CheckpointStore(stateDirectory: dir)
        store.reserve(inputID: "net")
        #expect(try store.load(inputID: "net") == nil, "a reserved file means no checkpoint yet")
        store.reserve(inputID: "other")
        try store.save(Checkpoint("spool:1:1"), inputID: "other")
        store.reserve(inputID: "other")
        #expect(try store.load(inputID: "other") == Checkpoint("spool:1:1"), "reserving never clobbers a checkpoint")

        let ballast = open(dir + "/ballast", O_WRONLY | O_CREAT, 0o600)
        var chunk = [UInt8](repeating: 1, count: 4096)
        while write(ballast, &chunk, chunk.count) == chunk.count {}
        #expect(errno == ENOSPC)
        close(ballast)

        try store.save(Checkpoint("spool:00000000000000000007:1234567"), inputID: "net")
        #expect(try store.load(inputID: "net") == Checkpoint("spool:00000000000000000007:1234567"))
        try store.save(Checkpoint("spool:8:9"), inputID: "net")
        #expect(try store.load(inputID: "net") == Checkpoint("spool:8:9"))
        #expect(!FileManager.default.fileExists(atPath: store.path(for: "net") + ".tmp"), "no half-written temporary file is left")
    }
}
