#if canImport(Glibc)
import Glibc
#endif

/// Durable per-input checkpoints: `<state_dir>/checkpoints/<input id>`, replaced atomically
/// (write a temporary file, fsync, rename, fsync the directory) so a crash leaves the old or the new one.
public struct CheckpointStore: Sendable {
    public let directory: String

    public init(stateDirectory: String) throws {
        directory = stateDirectory + "/checkpoints"
        try Self.makeDirectory(stateDirectory)
        try Self.makeDirectory(directory)
    }

    public func path(for inputID: String) -> String { directory + "/" + Self.fileName(inputID) }

    public func load(inputID: String) throws -> Checkpoint? {
        let p = path(for: inputID)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw CheckpointError.io(path: p, what: "open", errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw CheckpointError.io(path: p, what: "read", errno: errno) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        while let last = bytes.last, last == 0x0A { bytes.removeLast() }
        if bytes.isEmpty { return nil }
        return Checkpoint(String(decoding: bytes, as: UTF8.self))
    }

    public func save(_ checkpoint: Checkpoint, inputID: String) throws {
        let p = path(for: inputID)
        var data = Array(checkpoint.value.utf8)
        data.append(0x0A)
        do {
            try replace(p, with: data)
        } catch let CheckpointError.io(_, _, e) where Self.isDiskFull(e) && data.count <= Self.inPlaceLimit {
            // On a full disk the temporary file cannot be written, yet this checkpoint is what lets the spool
            // delete acknowledged segments and free space. The existing file already owns a block of the
            // file system, so overwriting it in place needs none; a crash in the middle of one small write is
            // the (tiny) price, and a damaged checkpoint only means re-sending, which ids make harmless.
            try overwrite(p, with: data)
        }
    }

    /// Creates an empty checkpoint file (loads as "none yet") when there is none, so the first real
    /// checkpoint can still be written in place if the disk fills up before it.
    public func reserve(inputID: String) {
        let fd = open(path(for: inputID), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var newline: UInt8 = 0x0A
        _ = write(fd, &newline, 1)
        _ = fsync(fd)
        close(fd)
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    /// One file-system block, which the existing file is sure to own.
    static let inPlaceLimit = 4096

    static func isDiskFull(_ e: Int32) -> Bool { e == ENOSPC || e == EDQUOT }

    private func replace(_ p: String, with data: [UInt8]) throws {
        let tmp = p + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw CheckpointError.io(path: tmp, what: "create", errno: errno) }
        if let e = Self.writeAll(fd, data, at: 0) ?? (fsync(fd) != 0 ? errno : nil) {
            close(fd)
            unlink(tmp)  // a half-written temporary file would keep the space the spool is waiting for
            throw CheckpointError.io(path: tmp, what: "write", errno: e)
        }
        close(fd)
        if rename(tmp, p) != 0 { throw CheckpointError.io(path: p, what: "rename", errno: errno) }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    private func overwrite(_ p: String, with data: [UInt8]) throws {
        let fd = open(p, O_WRONLY | O_CLOEXEC)
        if fd < 0 { throw CheckpointError.io(path: p, what: "open", errno: errno) }
        defer { close(fd) }
        // Padded with newlines (which `load` ignores) over the old content instead of truncated after the
        // write, so there is no moment at which the file holds a mix of the old and the new value.
        var st = stat()
        var bytes = data
        if fstat(fd, &st) == 0, Int(st.st_size) > bytes.count, Int(st.st_size) <= Self.inPlaceLimit {
            bytes += [UInt8](repeating: 0x0A, count: Int(st.st_size) - bytes.count)
        }
        if let e = Self.writeAll(fd, bytes, at: 0) { throw CheckpointError.io(path: p, what: "write in place", errno: e) }
        if fsync(fd) != 0 { throw CheckpointError.io(path: p, what: "fsync", errno: errno) }
    }

    /// nil, or the errno of the failed write.
    private static func writeAll(_ fd: Int32, _ data: [UInt8], at offset: Int) -> Int32? {
        var off = 0
        while off < data.count {
            let n = data[off...].withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset + off)) }
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            off += n
        }
        return nil
    }

    public func remove(inputID: String) {
        _ = unlink(path(for: inputID))
    }

    /// Input ids are free text in the configuration; file names must not be.
    public static func fileName(_ id: String) -> String {
        var out = ""
        for u in id.unicodeScalars {
            switch u {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": out.unicodeScalars.append(u)
            default: out += "%" + String(u.value, radix: 16)
            }
        }
        return out.isEmpty || out.hasPrefix(".") ? "_" + out : out
    }

    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw CheckpointError.io(path: path, what: "mkdir", errno: errno)
        }
    }
}

public enum CheckpointError: Error, CustomStringConvertible {
    case io(path: String, what: String, errno: Int32)
    public var description: String {
        switch self {
        case let .io(path, what, e): return "\(what) \(path): \(String(cString: strerror(e)))"
        }
    }
}
