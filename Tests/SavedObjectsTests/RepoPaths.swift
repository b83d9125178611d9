import Setup
import TestSupport

enum RepoPaths {
    static let dashboards = TestPaths.packageRoot + "/Dashboards"
    static let mappings = TestPaths.packageRoot + "/Mappings"

    static func mappingSet() throws -> MappingSet { try MappingSet.load(from: mappings) }
}
