import Foundation
import JSON

/// ISM policies have no `_meta`, so the version lives at the end of `policy.description`:
/// `"… (logbridge version 2)"`. The file's own top-level `_meta` is LogBridge's and is not sent.
enum ISMVersionMark {
    static let prefix = " (logbridge version "

    static func policy(_ file: JSONValue, version: Int) -> JSONValue {
        var policy = file["policy"]?.objectValue ?? [:]
        let description = policy["description"]?.stringValue ?? "LogBridge lifecycle policy"
        policy["description"] = .string(description + prefix + "\(version))")
        return .object(["policy": .object(policy)])
    }

    static func version(inDescription description: String) -> Int? {
        guard let start = description.range(of: prefix, options: .backwards),
              description.hasSuffix(")") else { return nil }
        return Int(description[start.upperBound...].dropLast())
    }
}
