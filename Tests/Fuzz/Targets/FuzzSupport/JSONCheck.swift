import Foundation

/// The encoders write JSON by hand, byte by byte, into bulk bodies: a stray quote or control character from
/// the input would make the cluster refuse a whole batch. So the targets check what they produce, not only
/// that producing it did not crash.
extension FuzzSupport {
    /// Traps (a finding) unless `bytes` is `\n`-terminated lines that are each one JSON object; returns them.
    @discardableResult
    public static func requireJSONObjectLines(_ bytes: [UInt8], what: String) -> [[String: Any]] {
        guard !bytes.isEmpty else { return [] }
        precondition(bytes.last == 0x0A, "\(what): output does not end with a newline")
        return bytes.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line))
            guard let object = object as? [String: Any] else {
                fatalError("\(what): not a JSON object: \(String(decoding: line.prefix(300), as: UTF8.self))")
            }
            return object
        }
    }
}
