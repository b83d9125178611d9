import Foundation
@testable import Config

/// Parses `yaml` as if it were `/etc/logbridge/logbridge.yaml`.
func parse(_ yaml: String, environment: [String: String] = [:],
           path: String = "/etc/logbridge/logbridge.yaml") throws -> LogBridgeConfig {
    try ConfigLoader.parse(yaml: yaml, path: path, environment: environment)
}

/// The `ConfigError` that parsing `yaml` must produce; records a failure when it parses or fails otherwise.
func configError(_ yaml: String, environment: [String: String] = [:],
                 path: String = "/etc/logbridge/logbridge.yaml") -> ConfigError? {
    do {
        _ = try ConfigLoader.parse(yaml: yaml, path: path, environment: environment)
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        return nil
    }
}

/// The smallest valid configuration body, to which a test appends what it is about.
let minimalInputs = """
inputs:
  - type: journald
    id: system
"""

/// A fresh directory under the system temporary directory, removed by the caller with `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "logbridge-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
