import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a program that ran to its end left: its exit status and what it wrote.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// Both outputs, stdout first: for failure messages and for tools that write anywhere.
    public var output: String { stdout + stderr }
}

/// Runs a program to its end, the way an operator would, and collects both outputs. They are drained while it
/// runs, so a chatty program never blocks on a full pipe; `stdin` is written to it, then closed. Throws when the
/// program is not installed (a missing component is a failure, not a skip) or still runs after `timeout`
/// (it is killed first).
@discardableResult
public func runCommand(_ path: String, _ args: [String], stdin: Data? = nil, timeout: TimeInterval = 120) throws -> CommandResult {
    guard FileManager.default.isExecutableFile(atPath: path) else { throw TestError("\(path) is not installed (make test installs it)") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = Pipe(), err = Pipe(), input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    let collected = CollectedOutput()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { collected.set(out: out.fileHandleForReading.readDataToEndOfFile()) }
    DispatchQueue.global().async(group: group) { collected.set(err: err.fileHandleForReading.readDataToEndOfFile()) }
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try? input.fileHandleForWriting.close()
    // Both outputs end when the program exits: no polling, so a curl in a test's wait loop costs what curl costs.
    if group.wait(timeout: .now() + timeout) == .timedOut {
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        throw TestError("\(path) \(args) still ran after \(Int(timeout)) s")
    }
    p.waitUntilExit()
    return CommandResult(status: p.terminationStatus, stdout: collected.stdout, stderr: collected.stderr)
}

/// `logbridge <args>` with the binary under test, run to its end (see `runCommand`).
@discardableResult
public func runLogbridge(_ args: [String], timeout: TimeInterval = 120) throws -> CommandResult {
    try runCommand(try TestPaths.logbridgeBinary(), args, timeout: timeout)
}

/// Starts a program that runs while the test talks to it (a daemon, `logbridge ship`); its outputs go to the
/// given handles (a file keeps them for the test to read without anything blocking on a pipe). The caller
/// stops it.
public func startCommand(_ path: String, _ args: [String], stdout: FileHandle = .nullDevice,
                         stderr: FileHandle = .nullDevice) throws -> Process {
    guard FileManager.default.isExecutableFile(atPath: path) else { throw TestError("\(path) is not installed (make test installs it)") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.standardOutput = stdout
    p.standardError = stderr
    try p.run()
    return p
}

/// `logbridge <args>` with the binary under test, started in the background (see `startCommand`).
public func startLogbridge(_ args: [String], stdout: FileHandle = .nullDevice, stderr: FileHandle = .nullDevice) throws -> Process {
    try startCommand(try TestPaths.logbridgeBinary(), args, stdout: stdout, stderr: stderr)
}

/// A new file at `path` (emptied if it exists), open for a started program's output.
public func outputFile(_ path: String) throws -> FileHandle {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
}

private final class CollectedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()
    func set(out data: Data) { lock.withLock { out = data } }
    func set(err data: Data) { lock.withLock { err = data } }
    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
}
