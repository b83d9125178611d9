import Foundation

/// Where `Mappings/` is when `--mappings` is not given: beside the package the executable was built in (a
/// development checkout, `.build/debug/logbridge` → `./Mappings`), then the installed copy.
public enum MappingsLocator {
    public static let installedDirectory = "/usr/share/logbridge/Mappings"

    public static func defaultDirectory(executablePath: String = CommandLine.arguments.first ?? "") throws -> String {
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
