import Alarms
import Bulk
import Config
import Foundation
import JSON
import TestSupport

/// An osmem-server with indices mapped like `logbridge setup` maps them, and helpers to seed documents.
final class Cluster: @unchecked Sendable {
    let osmem: OsmemServer
    let client: ClusterClient

    init() throws {
        osmem = try OsmemServer()
        var settings = OutputSettings()
        settings.hosts = [osmem.url]
        settings.compression = .none
        client = ClusterClient(settings: settings)
    }

    func createIndex(_ name: String, components: [String] = ["logbridge-ecs", "logbridge-journald", "logbridge-infologger"]) throws {
        let mappings = try FieldCatalog.mergedMappings(mappingsDirectory: TestPaths.packageRoot + "/Mappings", components: components)
        let body = JSONValue.object(["mappings": mappings]).compactBytes
        let r = try client.request("PUT", "/\(name)", body: body)
        guard r.isSuccess else { throw TestError("create \(name): \(r.text)") }
    }

    /// Documents at `time` seconds; each is `host`, `level`, `message` plus extra fields.
    func seed(_ index: String, _ docs: [[String: Any]]) throws {
        var body = ""
        for d in docs {
            body += #"{"create":{"_index":"\#(index)"}}"# + "\n"
            body += String(decoding: try JSONSerialization.data(withJSONObject: d), as: UTF8.self) + "\n"
        }
        let r = try client.request("POST", "/_bulk?refresh=true", body: Array(body.utf8), contentType: "application/x-ndjson")
        guard r.isSuccess, !r.text.contains(#""errors":true"#) else { throw TestError("seed: \(r.text.prefix(500))") }
    }

    func stop() { osmem.stop() }
}

let t0 = Timestamps.parse("2026-11-29T00:00:00Z")!

func doc(_ at: Double, host: String = "flp001", level: String = "err", message: String = "DMA timeout",
         process: String = "o2-readout-exe", extra: [String: Any] = [:]) -> [String: Any] {
    var d: [String: Any] = ["@timestamp": Timestamps.format(at), "host": ["name": host], "log": ["level": level],
                            "message": message, "process": ["name": process]]
    d.merge(extra) { _, b in b }
    return d
}

func rule(_ yaml: String, file: String = "test.yaml") throws -> Rule {
    guard let r = try parseRule(yaml, file: file) else { throw TestError("disabled") }
    return r
}

/// A rules directory in a temporary place.
func rulesDirectory(_ files: [String: String]) throws -> String {
    let dir = try temporaryDirectory("lb-rules")
    for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
    return dir
}

func parseRule(_ yaml: String, file: String) throws -> Rule? {
    let dir = try rulesDirectory([file: yaml])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try RuleSet.loadRule(file: dir + "/" + file)
}

func job(_ rules: [Rule], _ cluster: Cluster, owner: String = "test", configure: (inout AlarmJob.Options) -> Void = { _ in }) -> AlarmJob {
    var options = AlarmJob.Options()
    options.owner = owner
    configure(&options)
    return AlarmJob(rules: rules, client: cluster.client, options: options)
}

/// Runs a child process to completion, returning its exit status and output.
@discardableResult
func runProcess(_ path: String, _ args: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
