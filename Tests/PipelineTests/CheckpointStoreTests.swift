import Testing
import Foundation
@testable import Pipeline

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
}
