#if canImport(Glibc)
import Glibc
#endif

/// The last resort for dead letters the dead-letter index would not take: an NDJSON file, `0600`,
/// fsync'd after every append so an acknowledged item is on disk before its checkpoint moves.
struct DeadLetterFile: Sendable {
    let path: String

    init(stateDirectory: String, file: String) {
        path = file.hasPrefix("/") ? file : stateDirectory + "/" + file
    }

    struct WriteError: Error, CustomStringConvertible {
        var path: String, errno: Int32
        var description: String { "\(path): \(String(cString: strerror(errno)))" }
    }

    func append(lines: [[UInt8]]) throws {
        guard !lines.isEmpty else { return }
        var data: [UInt8] = []
        for line in lines { data.append(contentsOf: line); data.append(0x0A) }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 { throw WriteError(path: path, errno: errno) }
        defer { close(fd) }
        var offset = 0
        while offset < data.count {
            let n = data[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(path: path, errno: errno)
            }
            offset += n
        }
        if fsync(fd) != 0 { throw WriteError(path: path, errno: errno) }
    }
}
