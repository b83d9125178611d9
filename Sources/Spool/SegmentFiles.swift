#if canImport(Glibc)
import Glibc
#endif

/// Names, lists, creates and removes segment files: `<directory>/NNNNNNNNNNNNNNNNNNNN.seg`, the id zero-padded
/// to 20 digits so a plain name sort is the id order.
struct SegmentFiles {
    let directory: String

    init(directory: String) throws {
        self.directory = directory
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw SpoolError.io(path: directory, what: "mkdir", errno: errno)
        }
    }

    func path(_ id: UInt64) -> String {
        let digits = String(id)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    static func id(ofName name: String) -> UInt64? {
        guard name.hasSuffix(".seg") else { return nil }
        let stem = name.dropLast(4)
        guard stem.count == 20, stem.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt64(stem)
    }

    /// Segment ids present, ascending. Anything else in the directory is left alone.
    func list() throws -> [UInt64] {
        guard let dir = opendir(directory) else { throw SpoolError.io(path: directory, what: "opendir", errno: errno) }
        defer { closedir(dir) }
        var ids: [UInt64] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let id = Self.id(ofName: name) { ids.append(id) }
        }
        return ids.sorted()
    }

    /// A new, empty segment open for writing, its directory entry made durable.
    func create(_ id: UInt64) throws -> Int32 {
        let p = path(id)
        let fd = open(p, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { throw SpoolError.io(path: p, what: "create", errno: errno) }
        syncDirectory()
        return fd
    }

    func openForWriting(_ id: UInt64) throws -> Int32 {
        let p = path(id)
        let fd = open(p, O_RDWR | O_CLOEXEC)
        if fd < 0 { throw SpoolError.io(path: p, what: "open", errno: errno) }
        return fd
    }

    /// -1 with errno set when the segment is gone (deleted by an acknowledgement or `dropOldest`).
    func openForReading(_ id: UInt64) -> Int32 { open(path(id), O_RDONLY | O_CLOEXEC) }

    func size(_ id: UInt64) -> Int? {
        var st = stat()
        return stat(path(id), &st) == 0 ? Int(st.st_size) : nil
    }

    func remove(_ id: UInt64) { _ = unlink(path(id)) }

    func syncDirectory() {
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
