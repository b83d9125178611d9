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
        let tmp = p + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw CheckpointError.io(path: tmp, what: "create", errno: errno) }
        var data = Array(checkpoint.value.utf8)
        data.append(0x0A)
        var off = 0
        while off < data.count {
            let n = data[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno; close(fd); throw CheckpointError.io(path: tmp, what: "write", errno: e)
            }
            off += n
        }
        if fsync(fd) != 0 { let e = errno; close(fd); throw CheckpointError.io(path: tmp, what: "fsync", errno: e) }
        close(fd)
        if rename(tmp, p) != 0 { throw CheckpointError.io(path: p, what: "rename", errno: errno) }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
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
