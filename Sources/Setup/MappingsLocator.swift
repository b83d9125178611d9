import Foundation

/// Where `Mappings/` is when `--mappings` is not given: beside the package the executable was built in (a
/// development checkout, `.build/debug/logbridge` → `./Mappings`), then the installed copy (the packages put
/// `Mappings/`, `Dashboards/` and `rules/` under `/usr/share/logbridge/`, docs/packaging.md).
public enum MappingsLocator {
    public static let installedDirectory = "/usr/share/logbridge/Mappings"

    /// The running binary's real path. `CommandLine.arguments[0]` is only `logbridge` when the shell found the
    /// binary on `PATH` (the packaged /usr/bin/logbridge), which would make the search start in the working
    /// directory; /proc/self/exe names the file itself.
    public static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
    }

    public static func defaultDirectory(executablePath: String = MappingsLocator.executablePath) throws -> String {
        let candidates = candidateDirectories(executablePath: executablePath)
        if let found = candidates.first(where: isMappingsDirectory) { return found }
        throw SetupError.mappingsNotFound(searched: candidates)
    }

    static func candidateDirectories(executablePath: String) -> [String] {
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        var candidates: [String] = []
        var directory = executable.deletingLastPathComponent()
        // .build/<triple>/debug/logbridge is four levels below the package root; look a few more up.
        for _ in 0..<6 where directory.path != "/" {
            candidates.append(directory.appendingPathComponent("Mappings").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(installedDirectory)
        return candidates
    }

    static func isMappingsDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        let components = (path as NSString).appendingPathComponent("components")
        return FileManager.default.fileExists(atPath: components, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
