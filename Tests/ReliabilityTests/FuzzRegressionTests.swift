import Foundation
import Testing
import TestSupport

/// Every input the fuzzers ever crashed on (Tests/Fuzz/regressions/<target>/) and the seed corpus, replayed
/// through the fuzz targets built in replay mode (a plain `swift build --build-tests` builds them).
@Suite struct FuzzRegressionTests {
    @Test(arguments: ["config", "json", "bulk-response", "syslog", "infologger", "infologger-lines", "multiline"])
    func replaysEverySavedInputWithoutCrashing(target: String) throws {
        let binary = URL(fileURLWithPath: try TestPaths.logbridgeBinary()).deletingLastPathComponent()
            .appendingPathComponent("fuzz-\(target)").path
        #expect(FileManager.default.isExecutableFile(atPath: binary), "fuzz-\(target) not built at \(binary)")
        var files: [String] = []
        for dir in ["regressions", "corpus"] {
            let path = TestPaths.packageRoot + "/Tests/Fuzz/\(dir)/\(target)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where !name.hasPrefix(".") {
                files.append(path + "/" + name)
            }
        }
        #expect(!files.isEmpty)
        let replay = try runCommand(binary, files, timeout: 600)
        let text = replay.output
        #expect(replay.status == 0, "\(text.suffix(2000))")
        #expect(text.components(separatedBy: "replayed ").count - 1 == files.count)
    }
}
