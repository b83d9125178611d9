/// TestSupport owns the real components tests start and stop themselves: an osmem-server (OpenSearch-compatible
/// engine), journal files made by systemd-journal-remote, free ports, the built `logbridge` binary and the one way
/// to run it or any other program (`runLogbridge`, `runCommand`, `startLogbridge`, `startCommand` in Command.swift).
import Foundation
import Synchronization

public enum TestPaths {
    /// The package root, found from this file's location.
    public static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The `logbridge` executable built next to the test bundle (`swift build --build-tests` builds it).
    public static func logbridgeBinary() throws -> String {
        var candidates: [String] = []
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        candidates.append(bundleDir.appendingPathComponent("logbridge").path)
        for dir in Bundle.allBundles.map({ $0.bundleURL.deletingLastPathComponent() }) {
            candidates.append(dir.appendingPathComponent("logbridge").path)
        }
        candidates.append(packageRoot + "/.build/debug/logbridge")
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TestError("logbridge binary not built; looked at \(candidates)")
        }
        return found
    }
}

public struct TestError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A port nothing listens on right now, and never handed out before in this test process: bind to 0, read it,
/// close. Tests run in parallel, and a test that restarts its shipper leaves its port free for a moment (the
/// crash tests do it on purpose); the kernel may then give that same port to another test, whose listener
/// would receive the first test's traffic. Remembering what was handed out rules that out.
public func freePort() -> Int {
    while true {
        let port = ephemeralPort()
        let fresh = handedOutPorts.withLock { $0.insert(port).inserted }
        if fresh { return port }
    }
}

private let handedOutPorts = Mutex<Set<Int>>([])

private func ephemeralPort() -> Int {
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

public func temporaryDirectory(_ prefix: String) throws -> String {
    let dir = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
public func eventually(_ timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}
