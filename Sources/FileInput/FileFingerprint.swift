import ECS
#if canImport(Glibc)
import Glibc
#endif

/// A hash of a file's first bytes: tells a file from another that reused its inode, notices a truncated and
/// rewritten file, and (with the offset) makes each line's `_id`. Its length is fixed when first taken
/// (`fingerprint_size`, or the file's size if it was smaller then), so the hash stays stable as the file grows.
struct FileFingerprint: Equatable, Sendable {
    var length: Int
    var hash: (UInt64, UInt64)

    static func == (a: FileFingerprint, b: FileFingerprint) -> Bool {
        a.length == b.length && a.hash.0 == b.hash.0 && a.hash.1 == b.hash.1
    }

    init(length: Int, hash: (UInt64, UInt64)) { self.length = length; self.hash = hash }

    /// Of the first `length` bytes of `fd`; nil when the file holds fewer.
    static func read(fd: Int32, length: Int) -> FileFingerprint? {
        guard length > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: length)
        var got = 0
        while got < length {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, length - got, off_t(got)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        guard got == length else { return nil }
        return FileFingerprint(length: length, hash: bytes.withUnsafeBytes { DocumentID.murmur3($0, seed: 0x6669_6E67) })
    }

    var hex: String {
        func h(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return h(hash.0) + h(hash.1)
    }

    static func parseHex(_ s: Substring) -> (UInt64, UInt64)? {
        guard s.count == 32, let a = UInt64(s.prefix(16), radix: 16), let b = UInt64(s.suffix(16), radix: 16) else { return nil }
        return (a, b)
    }
}
