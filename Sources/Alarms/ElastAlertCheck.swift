import Config
import Foundation
import Yams

/// `logbridge rules lint --elastalert DIR`: for a directory of ElastAlert 2 rule files, which load in LogBridge as
/// they are and, for the others, every option to change (not only the first, as loading stops at): options
/// LogBridge refuses with their reason, options it does not know, then what loading the file still reports.
public enum ElastAlertCheck {
    public struct FileReport: Sendable {
        public var file: String
        /// `file:line: key: what to change`; empty: the file loads as it is.
        public var changes: [String]
        /// `is_enabled: false`: skipped by LogBridge as by ElastAlert.
        public var disabled: Bool
    }

    public static func check(directory: String) throws -> [FileReport] {
        try RuleSet.files(in: directory).map(check(file:))
    }

    static func check(file: String) -> FileReport {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            let e = ConfigError(file: file, line: nil, keyPath: "", message: "cannot read: \(error.localizedDescription)")
            return FileReport(file: file, changes: [e.description], disabled: false)
        }
        var changes = scanOptions(text, file: file)
        var disabled = false
        do {
            disabled = try RuleParser.parse(text: text, file: file, ignoring: Set(changes.map(\.keyPath))) == nil
        } catch {
            changes.append(error)
        }
        return FileReport(file: file, changes: changes.map(\.description), disabled: disabled)
    }

    /// Every top-level option that is refused or unknown, in file order.
    private static func scanOptions(_ text: String, file: String) -> [ConfigError] {
        guard let root = try? Yams.compose(yaml: text, .basic) else { return [] }
        let doc = RuleNode(document: root, file: file)
        guard let entries = try? doc.options(keys: []) else { return [] }
        let type = entries.first { $0.0 == "type" }.flatMap { try? $0.1.nonEmptyString() }
        let own = RuleParser.commonKeys + (type.flatMap { RuleParser.typeKeys[$0] } ?? [])
        let everyTypeKey = RuleParser.typeKeys.values.flatMap { $0 }
        var out: [ConfigError] = []
        for (key, value) in entries where !own.contains(key) {
            let keyed = value
            if let reason = RuleParser.unsupported[key] {
                out.append(keyed.error(reason))
            } else if everyTypeKey.contains(key), let other = RuleParser.typeKeys.first(where: { $0.value.contains(key) })?.key {
                out.append(keyed.error("applies to type \(other), not \(type ?? "this type")"))
            } else {
                out.append(keyed.error("not a LogBridge option" + hint(for: key, among: own)))
            }
        }
        return out
    }
}
