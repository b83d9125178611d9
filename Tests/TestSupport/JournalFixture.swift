import Foundation

/// Real journal files for tests: entries written in journal export format and turned into `.journal`
/// files by systemd-journal-remote, the same tool that collects journals from a farm.
public struct JournalFixture {
    public let directory: String

    public static let journalRemote = "/lib/systemd/systemd-journal-remote"

    public init() throws {
        directory = NSTemporaryDirectory() + "lb-journal-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: Self.journalRemote) else {
            throw FixtureError("systemd-journal-remote is missing (apt-get install systemd-journal-remote; `make test` does it)")
        }
    }

    /// One entry: fields in order; a value with a newline or a non-text byte is written in the binary-safe form.
    public typealias Entry = [(String, [UInt8])]

    public static func entry(_ fields: [(String, String)]) -> Entry { fields.map { ($0.0, Array($0.1.utf8)) } }

    /// Writes the entries into `<directory>/<name>.journal`; returns that path.
    @discardableResult
    public func write(_ entries: [Entry], name: String) throws -> String {
        var export: [UInt8] = []
        for e in entries {
            for (k, v) in e {
                if v.contains(0x0A) || v.contains(where: { $0 < 0x20 && $0 != 0x09 }) {
                    export.append(contentsOf: Array(k.utf8)); export.append(0x0A)
                    var n = UInt64(v.count).littleEndian
                    withUnsafeBytes(of: &n) { export.append(contentsOf: $0) }
                    export.append(contentsOf: v); export.append(0x0A)
                } else {
                    export.append(contentsOf: Array("\(k)=".utf8)); export.append(contentsOf: v); export.append(0x0A)
                }
            }
            export.append(0x0A)
        }
        let exportPath = directory + "/\(name).export"
        try Data(export).write(to: URL(fileURLWithPath: exportPath))
        let out = directory + "/\(name).journal"
        let written = try runCommand(Self.journalRemote, ["--split-mode=none", "-o", out, exportPath])
        guard written.status == 0 else { throw FixtureError("systemd-journal-remote exited \(written.status): \(written.stderr)") }
        try FileManager.default.removeItem(atPath: exportPath)
        return out
    }

    public func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
