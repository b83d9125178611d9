import Foundation

/// A real osmem-server (an in-memory OpenSearch-compatible engine) for one test: started on an OS-chosen or
/// given port, stopped on `stop()` or deinit, and tied to the test process with `--parent-pid`.
public final class OsmemServer: @unchecked Sendable {
    public let url: String
    public let port: Int
    private let process = Process()

    /// `OSMEM_SERVER`, then the project's `.venv`, then `/tmp/venvtest`. Missing is an error, never a skip.
    public static func locate() throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["OSMEM_SERVER"], !env.isEmpty { candidates.append(env) }
        for venv in [TestPaths.packageRoot + "/.venv", "/tmp/venvtest"] {
            candidates.append(venv + "/bin/osmem-server")
            // The wheel bundles the binary inside the package and installs no console script.
            let libs = (try? FileManager.default.contentsOfDirectory(atPath: venv + "/lib")) ?? []
            candidates += libs.sorted().map { "\(venv)/lib/\($0)/site-packages/osmem_server/bin/osmem-server" }
        }
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TestError("osmem-server not found (`make test` installs it into .venv; or set OSMEM_SERVER); tried \(candidates)")
        }
        return found
    }

    public init(port: Int = 0) throws {
        process.executableURL = URL(fileURLWithPath: try Self.locate())
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
              let url = json["url"] as? String, let p = URL(string: url)?.port else {
            process.terminate()
            throw TestError("osmem-server did not print its url: \(String(decoding: line, as: UTF8.self))")
        }
        self.url = url
        self.port = p
    }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }

    // MARK: - Asking the engine what it holds (plain HTTP through curl's command line, independent of our client)

    public func request(_ method: String, _ path: String, body: String? = nil) throws -> (status: Int, json: Any?) {
        var args = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, url + path, "-H", "Content-Type: application/json"]
        if let body { args += ["--data-binary", body] }
        let text = try runCommand("/usr/bin/curl", args).stdout
        guard let nl = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: nl)...]) else {
            throw TestError("curl \(method) \(path) failed: \(text)")
        }
        let json = try? JSONSerialization.jsonObject(with: Data(text[..<nl].utf8))
        return (status, json)
    }

    public func refresh() throws { _ = try request("POST", "/_refresh") }

    public func count(_ index: String, query: String? = nil) throws -> Int {
        try refresh()
        let r = try request("POST", "/\(index)/_count", body: query.map { #"{"query":\#($0)}"# })
        return ((r.json as? [String: Any])?["count"] as? Int) ?? -1
    }

    /// Every document, paged with `search_after` on `_id` (a single search returns 10,000 at most).
    public func allDocuments(_ index: String, page: Int = 5_000) throws -> [(id: String, source: [String: Any])] {
        try refresh()
        var out: [(id: String, source: [String: Any])] = []
        var after = ""
        while true {
            let cursor = after.isEmpty ? "" : #","search_after":["\#(after)"]"#
            let r = try request("POST", "/\(index)/_search",
                                body: #"{"size":\#(page),"sort":[{"_id":"asc"}]\#(cursor),"query":{"match_all":{}}}"#)
            let hits = (((r.json as? [String: Any])?["hits"] as? [String: Any])?["hits"] as? [[String: Any]]) ?? []
            out += hits.map { ($0["_id"] as? String ?? "", $0["_source"] as? [String: Any] ?? [:]) }
            guard hits.count == page, let last = out.last?.id else { return out }
            after = last
        }
    }

    /// Every document of an index pattern (`_source` with `_id`), up to `size`.
    public func documents(_ index: String, size: Int = 10_000) throws -> [(id: String, source: [String: Any])] {
        try refresh()
        let r = try request("POST", "/\(index)/_search", body: #"{"size":\#(size),"query":{"match_all":{}}}"#)
        let hits = (((r.json as? [String: Any])?["hits"] as? [String: Any])?["hits"] as? [[String: Any]]) ?? []
        return hits.map { ($0["_id"] as? String ?? "", $0["_source"] as? [String: Any] ?? [:]) }
    }
}
