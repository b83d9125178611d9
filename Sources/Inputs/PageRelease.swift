import Glibc

/// Drops file pages from this process's page tables that it can fault back in unchanged, so the resident set
/// shows what LogBridge uses rather than what it once touched. `MADV_DONTNEED` on such a mapping loses
/// nothing: the kernel's page cache keeps the pages, and the next access maps the one it needs again.
///
/// Two kinds of mapping qualify, each released by its own policy:
/// - **Journal windows.** sd-journal maps journal files in 8 MiB windows and keeps dozens of them; reading a
///   large journal once would leave hundreds of megabytes resident. They are shared read-only mappings.
///   Much cheaper than closing and reopening the journal, which also bounds the mappings.
/// - **Start-up pages.** Loading ~20 shared libraries (the Swift runtime, Foundation, libcurl with OpenSSL
///   and GnuTLS) and parsing the configuration touches tens of megabytes of library pages, and the kernel's
///   fault-around maps 64 KiB around each touch; the shipper's steady state runs in a small part of that code.
///   A read-only private file mapping with no anonymous (copy-on-write) page holds nothing but the file's
///   bytes. Mappings that hold any written page (relocated data, RELRO) are left alone.
public enum PageRelease {
    /// Releases every shared read-only mapping of a `*.journal` file; returns the bytes advised away.
    @discardableResult
    public static func journalMappings() -> Int {
        guard let text = readProcFile("/proc/self/maps") else { return 0 }
        var released = 0
        forEachLine(text) { line in
            guard let m = Mapping(line), m.isShared, m.path(endsWith: ".journal") || m.path(endsWith: ".journal (deleted)")
            else { return }
            released += m.release()
        }
        return released
    }

    /// Releases every read-only private file mapping with no written page (`r-xp`/`r--p`, `Anonymous: 0 kB`);
    /// returns the bytes advised away. Called once, before the inputs start.
    @discardableResult
    public static func cleanFileMappings() -> Int {
        guard let text = readProcFile("/proc/self/smaps") else { return 0 }
        var released = 0
        var candidate: Mapping?
        forEachLine(text) { line in
            if let m = Mapping(line) {
                candidate = m.isPrivate && !m.isWritable && m.hasFilePath ? m : nil
            } else if let m = candidate, line.starts(with: "Anonymous:".utf8) {
                candidate = nil
                // "Anonymous:  0 kB": no page of this mapping differs from the file.
                let amount = line.dropFirst(10).drop(while: { $0 == 0x20 })
                if amount.first == 0x30 && amount.dropFirst().first == 0x20 { released += m.release() }
            }
        }
        return released
    }

    /// A `/proc/self/maps` (or `smaps` header) line: `start-end perms offset dev inode path`.
    struct Mapping {
        let start: UInt
        let end: UInt
        let line: ArraySlice<UInt8>
        private let permissions: Int   // index of the four permission bytes in `line`

        init?(_ line: ArraySlice<UInt8>) {
            var i = line.startIndex
            var start: UInt = 0, end: UInt = 0
            while i < line.endIndex, let d = Self.hex(line[i]) { start = start << 4 | d; i += 1 }
            guard i > line.startIndex, i < line.endIndex, line[i] == 0x2D else { return nil }
            i += 1
            let endStart = i
            while i < line.endIndex, let d = Self.hex(line[i]) { end = end << 4 | d; i += 1 }
            guard i > endStart, i + 4 < line.endIndex, line[i] == 0x20, end > start else { return nil }
            self.start = start; self.end = end; self.line = line; permissions = i + 1
        }

        var isWritable: Bool { line[permissions + 1] == 0x77 }
        var isShared: Bool { line[permissions] == 0x72 && line[permissions + 3] == 0x73 }
        var isPrivate: Bool { line[permissions] == 0x72 && line[permissions + 3] == 0x70 }
        /// Backed by a file (the path column starts with `/`), not `[heap]`, `[vdso]` or anonymous memory.
        var hasFilePath: Bool {
            line[(permissions + 4)...].indices.contains { line[$0] == 0x2F && line[$0 - 1] == 0x20 }
        }

        func path(endsWith s: StaticString) -> Bool {
            let n = s.utf8CodeUnitCount
            guard line.count >= n else { return false }
            return s.withUTF8Buffer { line.suffix(n).elementsEqual($0) }
        }

        func release() -> Int {
            guard let p = UnsafeMutableRawPointer(bitPattern: start) else { return 0 }
            return madvise(p, Int(end - start), MADV_DONTNEED) == 0 ? Int(end - start) : 0
        }

        private static func hex(_ b: UInt8) -> UInt? {
            switch b {
            case 0x30...0x39: return UInt(b - 0x30)
            case 0x61...0x66: return UInt(b - 0x61 + 10)
            default: return nil
            }
        }
    }

    /// The whole file, read to its end: procfs reports a size of 0.
    static func readProcFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            text.append(contentsOf: chunk[0..<n])
        }
        return text
    }

    private static func forEachLine(_ text: [UInt8], _ body: (ArraySlice<UInt8>) -> Void) {
        var lineStart = 0
        for i in 0..<text.count where text[i] == 0x0A {
            body(text[lineStart..<i])
            lineStart = i + 1
        }
    }
}
