import TestSupport
import Testing
@testable import Setup

@Suite struct MappingsLocatorTests {
    @Test func looksAboveTheExecutableThenAtTheInstalledCopy() {
        let candidates = MappingsLocator.candidateDirectories(executablePath: "/src/logbridge/.build/x86_64/debug/logbridge")
        #expect(candidates.prefix(4) == [
            "/src/logbridge/.build/x86_64/debug/Mappings", "/src/logbridge/.build/x86_64/Mappings",
            "/src/logbridge/.build/Mappings", "/src/logbridge/Mappings",
        ])
        #expect(candidates.last == MappingsLocator.installedDirectory)
    }

    @Test func findsThePackagesMappingsFromABuiltExecutable() throws {
        let found = try MappingsLocator.defaultDirectory(executablePath: TestPaths.packageRoot + "/.build/debug/logbridge")
        #expect(found == TestPaths.packageRoot + "/Mappings")
    }

    @Test(.enabled(if: !MappingsLocator.isMappingsDirectory(MappingsLocator.installedDirectory)))
    func saysWhereItLookedWhenNothingIsThere() {
        #expect(throws: SetupError.mappingsNotFound(searched: [
            "/nonexistent/bin/Mappings", "/nonexistent/Mappings", MappingsLocator.installedDirectory,
        ])) { try MappingsLocator.defaultDirectory(executablePath: "/nonexistent/bin/logbridge") }
    }
}
