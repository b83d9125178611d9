import Foundation
import Setup

/// `Dashboards/` lives beside `Mappings/` (a checkout, or `/usr/share/logbridge/`), so it is found the same way.
public enum DashboardsLocator {
    public static func defaultDirectory() throws -> String {
        let mappings = try MappingsLocator.defaultDirectory()
        return ((mappings as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Dashboards")
    }
}
