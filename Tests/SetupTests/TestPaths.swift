import Foundation
import TestSupport

/// Where the repository's Mappings are, and throwaway copies of them.
enum MappingsFixture {
    static let directory = URL(fileURLWithPath: TestPaths.packageRoot + "/Mappings").resolvingSymlinksInPath().path

    static func temporaryCopy() throws -> String {
        let copy = NSTemporaryDirectory() + "logbridge-mappings-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: directory, toPath: copy)
        return copy
    }
}
