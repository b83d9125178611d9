import Foundation
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

    /// A shell that finds the packaged binary on PATH passes argv[0] = "logbridge"; the search must still start
    /// at the file itself (the package test runs `logbridge rules lint` from / to prove the installed case).
    @Test func theExecutablePathIsTheRunningFileNotArgv0() {
        let path = MappingsLocator.executablePath
        #expect(path.hasPrefix("/"), "\(path)")
        #expect(FileManager.default.isExecutableFile(atPath: path), "\(path)")
    }

    @Test(.enabled(if: !MappingsLocator.isMappingsDirectory(MappingsLocator.installedDirectory)))
    func saysWhereItLookedWhenNothingIsThere() {
        #expect(throws: SetupError.mappingsNotFound(searched: [
            "/nonexistent/bin/Mappings", "/nonexistent/Mappings", MappingsLocator.installedDirectory,
        ])) { try MappingsLocator.defaultDirectory(executablePath: "/nonexistent/bin/logbridge") }
    }
}
