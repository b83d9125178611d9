import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `report --format pdf`: the HTML report printed by a headless Chromium (Debian's `chromium`), the renderer
/// that draws the inline SVG charts and applies the print CSS exactly as a reader's browser does. LogBridge
/// links no browser engine: the PDF is written when a Chromium is installed, and when none is, the command says
/// so and exits non-zero before it reads the cluster.
///
/// Each run gets a throwaway profile directory (two runs at once never share Chromium's profile lock, and
/// nothing is left in `$HOME`) and is killed, with the processes it started, after `timeout` seconds. The page
/// is LogBridge's own file with no script and nothing fetched, so `--no-sandbox` (needed as root and under
/// systemd's hardening, where Chromium cannot create its namespaces) opens no door.
public struct HeadlessChromium: Sendable {
    /// The executable run (Debian's `/usr/bin/chromium` is a shell script that execs `/usr/lib/chromium/chromium`).
    public let path: String
    /// Seconds a run may take before it is stopped.
    public var timeout: Double

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Names looked for on `PATH`, Debian's first.
    public static let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
    /// The environment variable naming the browser when no option does.
    public static let environmentVariable = "LOGBRIDGE_CHROMIUM"
    /// Measured on a 2-core machine running ~20 other jobs: the test farm's report prints in 2-5 s, a 200-host
    /// farm's (1.5 MB of HTML, 9,600 heat-strip cells) in 24 s; twice that is still not enough margin.
    public static let defaultTimeout = 120.0

    public init(path: String, timeout: Double = HeadlessChromium.defaultTimeout) {
        self.path = path; self.timeout = timeout
    }

    /// The browser to run: `explicit` (an option), else `$LOGBRIDGE_CHROMIUM`, else the first of `names` on
    /// `PATH`. Throws a `Failure` that says what was looked for and how to install it.
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              timeout: Double = defaultTimeout) throws -> HeadlessChromium {
        let fm = FileManager.default
        if let given = explicit ?? environment[environmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            let source = explicit != nil ? "--chromium" : environmentVariable
            // A bare name is looked up on PATH like the defaults; a path must be an executable file.
            let found = given.contains("/") ? (fm.isExecutableFile(atPath: given) ? given : nil) : onPath(given, environment)
            guard let found else { throw Failure("\(source) \(given): no executable file there; PDF needs a headless Chromium") }
            return HeadlessChromium(path: found, timeout: timeout)
        }
        for name in names { if let found = onPath(name, environment) { return HeadlessChromium(path: found, timeout: timeout) } }
        throw Failure("PDF needs a headless Chromium and none was found: looked for \(names.joined(separator: ", ")) on PATH "
                      + "(\(environment["PATH"] ?? "unset")). Install it (Debian/Ubuntu: apt-get install chromium), or name it "
                      + "with --chromium PATH or \(environmentVariable); the other formats need nothing")
    }

    static func onPath(_ name: String, _ environment: [String: String]) -> String? {
        for dir in (environment["PATH"] ?? "").split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// What a run left: Chromium's exit status, standard output (`--dump-dom` writes the DOM there) and
    /// standard error (its log; with `--enable-logging=stderr` the page's console messages, as `:CONSOLE` lines).
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
    }

    /// The HTML text printed to `path` (A4 unless the page's `@page` says otherwise; no header or footer).
    /// The file appears complete or not at all: Chromium writes beside it, then it is renamed.
    public func printPDF(html: String, to path: String) throws {
        try withScratch { dir in
            let page = dir + "/report.html"
            try html.write(toFile: page, atomically: false, encoding: .utf8)
            let target = URL(fileURLWithPath: path).standardizedFileURL.path
            let partial = target + ".partial"
            defer { try? FileManager.default.removeItem(atPath: partial) }
            let out = try run(["--no-pdf-header-footer", "--print-to-pdf=" + partial], page: page, scratch: dir)
            let head = FileManager.default.contents(atPath: partial)?.prefix(5)
            guard out.status == 0, head.map({ Array($0) }) == Array("%PDF-".utf8) else {
                throw Failure("\(self.path) did not print the PDF (exit \(out.status))\(Self.tail(out.stderr))")
            }
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: partial, toPath: target)
        }
    }

    /// Chromium headless on a local HTML file with `arguments` added (e.g. `--dump-dom`, `--screenshot=PATH`).
    public func run(_ arguments: [String], page: String) throws -> Output {
        try withScratch { try run(arguments, page: page, scratch: $0) }
    }

    func withScratch<T>(_ body: (String) throws -> T) throws -> T {
        let dir = NSTemporaryDirectory() + "logbridge-chromium-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    func run(_ arguments: [String], page: String, scratch: String) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(scratch)/profile",
                             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                             "--disable-background-networking"]
            + arguments + [URL(fileURLWithPath: page).standardizedFileURL.absoluteString]
        var env = ProcessInfo.processInfo.environment
        // Chromium keeps caches and settings under XDG directories even with --user-data-dir; a report run by a
        // systemd DynamicUser has no home to write to.
        env["XDG_CONFIG_HOME"] = scratch + "/config"
        env["XDG_CACHE_HOME"] = scratch + "/cache"
        env["HOME"] = scratch
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { throw Failure("cannot start \(path): \(error)") }
        // Both outputs are drained while it runs: the DOM of a 200-host report is 1.5 MB, beyond a pipe's buffer.
        let collected = Collected()
        let drained = DispatchGroup()
        DispatchQueue.global().async(group: drained) { collected.out = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: drained) { collected.err = err.fileHandleForReading.readDataToEndOfFile() }
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            stop(process.processIdentifier, exited)
            _ = drained.wait(timeout: .now() + 2)
            throw Failure("\(path) did not finish within \(Self.seconds(timeout)) s and was stopped (--pdf-timeout)")
        }
        // Renderer and GPU processes may hold the pipes a moment longer than the browser process lives.
        _ = drained.wait(timeout: .now() + 5)
        let status = process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        return Output(status: status, stdout: collected.out, stderr: String(decoding: collected.err, as: UTF8.self))
    }

    /// SIGTERM, then SIGKILL after two seconds, to the browser and every process it started: they are found
    /// by parent in /proc before the browser goes (its renderers and zygote would otherwise be left running).
    private func stop(_ pid: pid_t, _ exited: DispatchSemaphore) {
        let family = [pid] + Self.descendants(of: pid)
        for p in family { kill(p, SIGTERM) }
        if exited.wait(timeout: .now() + 2) == .timedOut {
            for p in family { kill(p, SIGKILL) }
            exited.wait()
        }
        for p in family.dropFirst() { kill(p, SIGKILL) }
    }

    /// Every process below `pid`, from the parent field of /proc/N/stat.
    static func descendants(of pid: pid_t) -> [pid_t] {
        var parent: [pid_t: pid_t] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let p = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let pp = pid_t(fields[1]) { parent[p] = pp }
        }
        var found: [pid_t] = [], frontier = [pid]
        while let next = frontier.popLast() {
            for (child, pp) in parent where pp == next { found.append(child); frontier.append(child) }
        }
        return found
    }

    static func seconds(_ t: Double) -> String { t == t.rounded() ? String(Int(t)) : String(t) }

    /// The last lines of Chromium's log that are not its routine complaints about a machine without D-Bus or GPU.
    static func tail(_ stderr: String) -> String {
        let lines = stderr.split(separator: "\n").filter { !$0.contains("dbus") && !$0.contains("vaapi") && !$0.contains("sandbox_linux") }
        return lines.isEmpty ? "" : ": " + lines.suffix(3).joined(separator: " | ")
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var _out = Data(), _err = Data()
        var out: Data { get { lock.withLock { _out } } set { lock.withLock { _out = newValue } } }
        var err: Data { get { lock.withLock { _err } } set { lock.withLock { _err = newValue } } }
    }
}
