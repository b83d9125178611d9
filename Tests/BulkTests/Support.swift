import Bulk
import Config
import Foundation
import Logging
import Pipeline

/// A real osmem-server process for one test: started on an OS-chosen (or given) port, killed on deinit.
final class OsmemServer {
    let process = Process()
    let url: String

    static func binary() throws -> String {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["OSMEM_SERVER"], !env.isEmpty { candidates.append(env) }
        candidates += [
            packageRoot + "/.venv/bin/osmem-server",
            "/tmp/venvtest/bin/osmem-server",
            // The Python wheel bundles the binary here when its console script is not installed.
            "/tmp/venvtest/lib/python3.11/site-packages/osmem_server/bin/osmem-server",
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestError("osmem-server not found (set OSMEM_SERVER); tried \(candidates)")
        }
        return found
    }

    init(port: Int = 0) throws {
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = ["--addr", "127.0.0.1:\(port)", "--no-stdin-watch",
                             "--parent-pid", String(ProcessInfo.processInfo.processIdentifier)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        let fd = out.fileHandleForReading.fileDescriptor
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != 0x0A { line.append(byte) }
        guard let json = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              let url = json["url"] as? String else {
            process.terminate()
            throw TestError("osmem-server did not print its url: \(String(decoding: line, as: UTF8.self))")
        }
        self.url = url
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A port nothing listens on right now: bind to 0, read it, close.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// `count` documents for `index` with ids `<prefix>-<n>`, built the way inputs build them.
func makeBatch(index: String, count: Int, idPrefix: String = "doc", sequence: UInt64 = 1, inputID: String = "test",
               hostName: (Int) -> String = { "host-\($0 % 3)" }) -> Batch {
    var builder = BatchBuilder(inputID: inputID, maxDocuments: count + 1, maxBytes: 64 << 20, firstSequence: sequence)
    for i in 0..<count {
        builder.append(
            writeAction: { $0.append(contentsOf: #"{"create":{"_index":"\#(index)","_id":"\#(idPrefix)-\#(i)"}}"#.utf8) },
            writeDocument: { $0.append(contentsOf: #"{"@timestamp":"2024-01-02T03:04:05.000Z","message":"hello \"\#(i)\"","host":{"name":"\#(hostName(i))"}}"#.utf8) })
    }
    return builder.take(checkpoint: Checkpoint("cursor-\(sequence)"))
}

func fastSettings(hosts: [String]) -> OutputSettings {
    var s = OutputSettings()
    s.hosts = hosts
    s.retry = RetrySettings(initialBackoffSeconds: 0.05, maxBackoffSeconds: 0.3)
    s.connectTimeoutSeconds = 2
    s.requestTimeoutSeconds = 10
    return s
}

/// Collects `onComplete` calls and lets a test wait for them with a deadline instead of hanging.
final class Outcomes: @unchecked Sendable {
    private let condition = NSCondition()
    private var list: [BatchOutcome] = []

    var handler: @Sendable (BatchOutcome) -> Void { { outcome in self.add(outcome) } }

    private func add(_ o: BatchOutcome) {
        condition.lock(); list.append(o); condition.broadcast(); condition.unlock()
    }

    /// All outcomes once at least `count` arrived, or nil after `timeout` seconds.
    func wait(for count: Int, timeout: Double = 20) -> [BatchOutcome]? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while list.count < count { if !condition.wait(until: deadline) { return nil } }
        return list
    }

    var all: [BatchOutcome] { condition.lock(); defer { condition.unlock() }; return list }
}

let testLogger = Logger(label: "bulk-tests")

func jsonObject(_ r: HTTPResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]) ?? [:]
}

func count(_ client: ClusterClient, _ index: String) throws -> Int {
    _ = try client.request("POST", "/\(index)/_refresh")
    let r = try client.request("GET", "/\(index)/_count")
    return jsonObject(r)["count"] as? Int ?? -1
}

func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "lb-bulk-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
