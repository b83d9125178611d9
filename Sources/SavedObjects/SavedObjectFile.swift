import Foundation
import JSON
import Setup

/// An `.ndjson` file of saved objects: one compact JSON object per line, in normal form (see
/// `SavedObject.normalised()`), ending in a newline.
public enum SavedObjectFile {
    public struct ReadError: Error, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var reason: String
        public var description: String { "\(file):\(line): \(reason)" }
    }

    public static func read(_ path: String) throws -> [SavedObject] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(file: path, line: 0, reason: "cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Blank lines are skipped; the export API's trailing summary line (`exportedCount`) is dropped.
    public static func parse(_ text: String, file: String) throws -> [SavedObject] {
        var objects: [SavedObject] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let json: JSONValue
            do {
                json = try JSONValue(parsing: String(line))
            } catch {
                throw ReadError(file: file, line: index + 1, reason: "not JSON: \(error)")
            }
            guard json.objectValue != nil else { throw ReadError(file: file, line: index + 1, reason: "not a JSON object") }
            if json["exportedCount"] != nil { continue }
            objects.append(SavedObject(json: json, file: file, line: index + 1))
        }
        return objects
    }

    /// The normal form of `objects`, in the order given.
    public static func normalText(_ objects: [SavedObject]) throws -> String {
        try objects.map { try $0.normalised().json.compactText + "\n" }.joined()
    }

    /// The `.ndjson` files of a directory, sorted.
    public static func files(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".ndjson") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }
}
