#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Reporting

/// Where the tailing loop sleeps while its files are idle. With inotify it wakes as soon as a file it follows
/// (or one its globs would match) is written, created, renamed or deleted, instead of up to `poll_interval`
/// later. The interval stays the upper bound of every sleep, so polling is still what finds everything inotify
/// cannot report (a followed file renamed into a directory that is not watched, network file systems) and
/// all of it when inotify is unavailable (no instances left): rotation handling does not depend on events.
final class FileChangeWaiter {
    private let fd: Int32
    /// Watch descriptor → directory, and the basenames (patterns) that matter in each directory.
    private var directories: [Int32: String] = [:]
    private var watchOf: [String: Int32] = [:]
    private var names: [Int32: Set<String>] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)
    /// Events seen that concerned a followed or matching file; for tests.
    private(set) var wakeups = 0

    init() {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    }

    deinit { if fd >= 0 { close(fd) } }

    var usesInotify: Bool { fd >= 0 }

    /// Interest in `path`'s directory for names matching `path`'s last component (a file name or a glob).
    /// Watching the directory rather than the file also covers rename-and-create and files not there yet.
    func watch(_ path: String) {
        guard fd >= 0, let slash = path.lastIndex(of: "/") else { return }
        let dir = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = String(path[path.index(after: slash)...])
        // A glob in the directory part cannot be watched as such; its files are watched once found.
        guard !name.isEmpty, !dir.contains(where: { "*?[".contains($0) }) else { return }
        if let wd = watchOf[dir] { names[wd, default: []].insert(name); return }
        let mask = UInt32(IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB)
        let wd = inotify_add_watch(fd, dir, mask)
        guard wd >= 0 else { return }
        directories[wd] = dir
        watchOf[dir] = wd
        names[wd, default: []].insert(name)
    }

    enum Wake { case timeout, written, names }

    /// Sleeps until a relevant change or `timeout` seconds. `.names`: a matching file appeared, was renamed or
    /// deleted (worth a re-glob now rather than at the next `scan_interval`); `.written`: only contents changed.
    @discardableResult
    func wait(_ timeout: Double) -> Wake {
        guard fd >= 0 else { Thread.sleep(forTimeInterval: timeout); return .timeout }
        let deadline = MonotonicClock.seconds() + timeout
        while true {
            let left = deadline - MonotonicClock.seconds()
            if left <= 0 { return .timeout }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let rc = poll(&p, 1, Int32(max(1, (left * 1000).rounded(.up))))
            if rc == 0 { return .timeout }
            if rc < 0 {
                if errno == EINTR { continue }
                Thread.sleep(forTimeInterval: max(0, left))
                return .timeout
            }
            let wake = drain()
            if wake != .timeout { wakeups += 1; return wake }
        }
    }

    /// Reads every queued event and says what the relevant ones (names of interest) amount to.
    private func drain() -> Wake {
        var wake = Wake.timeout
        let nameEvents = UInt32(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return wake }
            buffer.withUnsafeBytes { raw in
                var at = 0
                // struct inotify_event: wd, mask, cookie, len (4 bytes each), then `len` bytes of name.
                let header = 16
                while at + header <= n {
                    let wd = raw.loadUnaligned(fromByteOffset: at, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)
                    let len = Int(raw.loadUnaligned(fromByteOffset: at + 12, as: UInt32.self))
                    defer { at += header + len }
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 { wake = .names; continue }
                    if mask & UInt32(IN_IGNORED) != 0 {
                        // The directory went away: forget it, so the next scan watches it again if it returns.
                        if let dir = directories.removeValue(forKey: wd) { watchOf[dir] = nil }
                        names[wd] = nil
                        wake = .names
                        continue
                    }
                    guard len > 0, at + header + len <= n, let wanted = names[wd] else { continue }
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[(at + header)..<(at + header + len)])
                    let name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                    guard wanted.contains(where: { fnmatch($0, name, 0) == 0 }) else { continue }
                    if mask & nameEvents != 0 { wake = .names } else if wake == .timeout { wake = .written }
                }
            }
        }
    }

}
