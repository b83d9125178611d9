import Glibc

/// Drops the code and read-only data pages that only start-up touched from this process's resident set.
///
/// Loading ~20 shared libraries (the Swift runtime, Foundation, libcurl with OpenSSL and GnuTLS) and parsing
/// the configuration (Yams, ArgumentParser) touches tens of megabytes of library pages, and the kernel's
/// fault-around maps 64 KiB around each touch. The shipper's steady state runs in a small part of that code.
/// A read-only private file mapping with no anonymous (copy-on-write) pages holds nothing but the file's
/// bytes, so `MADV_DONTNEED` on it is lossless: the page cache keeps the pages and the next access faults the
/// one it needs back in. Mappings that hold any written page (relocated data, RELRO) are left alone.
enum StartupPageRelease {
    /// Returns the bytes advised away.
    @discardableResult
    static func releaseCleanFileMappings() -> Int {
        guard let text = readAll("/proc/self/smaps") else { return 0 }
        var released = 0
        var candidate: (start: UInt, end: UInt)?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if let range = mappingRange(line) {
                candidate = range
            } else if line.hasPrefix("Anonymous:"), let range = candidate {
                candidate = nil
                // "Anonymous:  0 kB": no page of this mapping differs from the file.
                guard line.split(separator: " ").dropFirst().first == "0",
                      let p = UnsafeMutableRawPointer(bitPattern: range.start) else { continue }
                if madvise(p, Int(range.end - range.start), MADV_DONTNEED) == 0 { released += Int(range.end - range.start) }
            }
        }
        return released
    }

    /// The range of a mapping header line when it is a read-only private mapping of a file (`r-xp`/`r--p`).
    private static func mappingRange(_ line: Substring) -> (start: UInt, end: UInt)? {
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count == 6, fields[1] == "r-xp" || fields[1] == "r--p",
              fields[5].trimmingPrefix(while: { $0 == " " }).first == "/" else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
              end > start else { return nil }
        return (start, end)
    }

    private static func readAll(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
