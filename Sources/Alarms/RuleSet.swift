import Config
import Foundation

/// The rules of a directory: every `*.yaml`/`*.yml` file is one rule. Names must be unique, since alarms,
/// state and leases are keyed by them.
public struct RuleSet: Sendable {
    public var rules: [Rule]
    /// Files with `is_enabled: false`.
    public var disabled: [String]

    public static func load(directory: String) throws -> RuleSet {
        let files = try files(in: directory)
        var set = RuleSet(rules: [], disabled: [])
        var errors: [ConfigError] = []
        var firstFile: [String: String] = [:]
        for file in files {
            do {
                guard let rule = try loadRule(file: file) else { set.disabled.append(file); continue }
                if let other = firstFile[rule.name] {
                    errors.append(ConfigError(file: file, line: nil, keyPath: "name", message: "rule \"\(rule.name)\" is also defined in \(other)"))
                    continue
                }
                firstFile[rule.name] = file
                set.rules.append(rule)
            } catch let e as ConfigError { errors.append(e) }
        }
        if !errors.isEmpty { throw RuleErrors(errors: errors) }
        return set
    }

    /// The `*.yaml`/`*.yml` files of a rules directory, sorted; a file path stands for itself.
    static func files(in directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw ConfigError(file: directory, line: nil, keyPath: "", message: "no such rules directory")
        }
        guard isDirectory.boolValue else { return [directory] }
        return try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { directory + "/" + $0 }
    }

    public static func loadRule(file: String) throws -> Rule? {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ConfigError(file: file, line: nil, keyPath: "", message: "cannot read: \(error.localizedDescription)")
        }
        return try RuleParser.parse(text: text, file: file)
    }
}

/// Every problem found in a rules directory, one per line, so an operator fixes them in one pass.
public struct RuleErrors: Error, CustomStringConvertible {
    public var errors: [ConfigError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
