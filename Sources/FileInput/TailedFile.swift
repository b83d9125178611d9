#if canImport(Glibc)
import Glibc
#endif

/// One open file being read: its identity, how far it has been read and shipped, and the bytes of a line
/// (or multiline event) not complete yet. Kept open after a rename or delete until it is drained, so rotation
/// by rename loses nothing.
final class TailedFile {
    let device: UInt64
    let inode: UInt64
    let fd: Int32
    var path: String
    /// `path` as a JSON string, for `log.file.path`.
    var pathJSON: [UInt8]
    var fingerprint: FileFingerprint?
    /// File offset of the next `read`.
    var readOffset: Int64
    /// Offset just after the last event handed to a batch: what the checkpoint records.
    var committed: Int64
    /// A line not ended yet, starting at `carryOffset`.
    var carry: [UInt8] = []
    var carryOffset: Int64
    /// Skipping the rest of a line cut at `max_line_size`.
    var discarding = false
    /// Modification time (µs) at the last stat: the anchor for year-less timestamps.
    var mtimeMicros: Int64 = 0
    /// No longer reachable under any configured path (renamed away or deleted).
    var gone = false
    var lastActivity: Double
    var pending = MultilineEvent()

    init(fd: Int32, device: UInt64, inode: UInt64, path: String, offset: Int64, now: Double) {
        self.fd = fd; self.device = device; self.inode = inode; self.path = path
        pathJSON = []
        readOffset = offset; committed = offset; carryOffset = offset; lastActivity = now
        setPath(path)
    }

    deinit { close(fd) }

    func setPath(_ p: String) {
        path = p
        var b: [UInt8] = [0x22]
        for c in p.utf8 {
            switch c {
            case 0x22, 0x5C: b.append(0x5C); b.append(c)
            case 0..<0x20: b.append(contentsOf: Array(String(format: "\\u%04x", Int(c)).utf8))
            default: b.append(c)
            }
        }
        b.append(0x22)
        pathJSON = b
    }

    /// Starts over at offset 0 (the file was truncated or rewritten in place).
    func reset() {
        readOffset = 0; committed = 0; carry = []; carryOffset = 0; discarding = false
        fingerprint = nil; pending = MultilineEvent()
    }

    func size() -> (size: Int64, mtime: Int64)? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return (Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000 + Int64(st.st_mtim.tv_nsec) / 1000)
    }
}

/// Lines waiting to become one event under a multiline rule.
struct MultilineEvent {
    var bytes: [UInt8] = []
    var offset: Int64 = 0
    /// Offset just after the last line taken in.
    var end: Int64 = 0
    var lines = 0
    var truncated = false
    var started: Double = 0
    var isEmpty: Bool { lines == 0 }
}

#if canImport(Foundation)
import Foundation
#endif
