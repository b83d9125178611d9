import Glibc

/// Gives back the journal file pages sd-journal has touched.
///
/// sd-journal maps journal files in 8 MiB windows and keeps dozens of them; reading a large journal once
/// therefore leaves hundreds of megabytes resident in this process, although it never needs those pages
/// again. The windows are shared, read-only file mappings: `MADV_DONTNEED` drops them from our page tables
/// (the kernel's page cache keeps them), and a later access simply faults them back in from the same file.
/// Much cheaper than closing and reopening the journal, which also bounds the mappings.
enum JournalPageRelease {
    /// Releases every shared mapping of a `*.journal` file; returns how many bytes were advised away.
    @discardableResult
    static func releaseJournalMappings() -> Int {
        let fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            text.append(contentsOf: chunk[0..<n])
        }
        var released = 0
        var lineStart = 0
        for i in 0..<text.count where text[i] == 0x0A {
            released += releaseIfJournal(text[lineStart..<i])
            lineStart = i + 1
        }
        return released
    }

    /// One `/proc/self/maps` line: `start-end perms offset dev inode path`.
    private static func releaseIfJournal(_ line: ArraySlice<UInt8>) -> Int {
        guard line.count > 40, endsWith(line, ".journal") || contains(line, ".journal (deleted)") else { return 0 }
        var i = line.startIndex
        var start: UInt = 0, end: UInt = 0
        while i < line.endIndex, let d = hex(line[i]) { start = start << 4 | d; i += 1 }
        guard i < line.endIndex, line[i] == 0x2D else { return 0 }
        i += 1
        while i < line.endIndex, let d = hex(line[i]) { end = end << 4 | d; i += 1 }
        // perms: "r--s" — only shared read-only mappings are safe to drop (nothing private is lost).
        guard i + 4 < line.endIndex, line[i + 1] == 0x72, line[i + 4] == 0x73, end > start else { return 0 }
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

    private static func endsWith(_ line: ArraySlice<UInt8>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard line.count >= n else { return false }
        return s.withUTF8Buffer { line.suffix(n).elementsEqual($0) }
    }

    private static func contains(_ line: ArraySlice<UInt8>, _ s: StaticString) -> Bool {
        s.withUTF8Buffer { needle in
            guard line.count >= needle.count else { return false }
            var i = line.startIndex
            while i + needle.count <= line.endIndex {
                if line[i..<(i + needle.count)].elementsEqual(needle) { return true }
                i += 1
            }
            return false
        }
    }
}
