import Foundation
import Glibc
import Testing
@testable import Inputs

/// Page release may drop only pages it can get back unchanged.
@Suite struct PageReleaseTests {
    let size = 64 * 4096
    let pattern: [UInt8] = (0..<(64 * 4096)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    /// The start-up release: clean read-only file pages go, a read-only mapping holding a written page (as the
    /// loader's RELRO segments do) keeps its bytes.
    @Test func dropsCleanFilePagesAndKeepsWrittenOnes() throws {
        let path = NSTemporaryDirectory() + "lb-pages-\(getpid()).bin"
        try Data(pattern).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }

        // A clean read-only mapping, every page touched.
        let clean = try #require(mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0).flatMap { $0 == MAP_FAILED ? nil : $0 })
        defer { munmap(clean, size) }
        var sum = 0
        for page in stride(from: 0, to: size, by: 4096) { sum &+= Int(clean.load(fromByteOffset: page, as: UInt8.self)) }
        // A private mapping written to and then made read-only: "r--p" with anonymous pages.
        let written = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0).flatMap { $0 == MAP_FAILED ? nil : $0 })
        defer { munmap(written, size) }
        written.storeBytes(of: 0xAB, toByteOffset: 4096, as: UInt8.self)
        #expect(mprotect(written, size, PROT_READ) == 0)

        #expect(try residentKiB(of: clean) == size / 1024)
        let released = PageRelease.cleanFileMappings()
        #expect(released >= size)
        #expect(try residentKiB(of: clean) == 0)

        // Both read back as before: the clean pages fault in again from the file, the written one stays.
        for i in stride(from: 0, to: size, by: 997) {
            #expect(clean.load(fromByteOffset: i, as: UInt8.self) == pattern[i])
        }
        #expect(written.load(fromByteOffset: 4096, as: UInt8.self) == 0xAB)
        #expect(written.load(fromByteOffset: 4097, as: UInt8.self) == pattern[4097])
        #expect(sum > 0)
    }

    /// The journal release: shared mappings of `*.journal` files go (and read back the same), a shared mapping
    /// of any other file stays.
    @Test func dropsJournalWindowsOnly() throws {
        let journal = NSTemporaryDirectory() + "lb-pages-\(getpid()).journal"
        let other = NSTemporaryDirectory() + "lb-pages-\(getpid()).dat"
        for path in [journal, other] { try Data(pattern).write(to: URL(fileURLWithPath: path)) }
        defer { unlink(journal); unlink(other) }
        func mapTouched(_ path: String) throws -> UnsafeMutableRawPointer {
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            let p = try #require(mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0).flatMap { $0 == MAP_FAILED ? nil : $0 })
            for page in stride(from: 0, to: size, by: 4096) { _ = p.load(fromByteOffset: page, as: UInt8.self) }
            return p
        }
        let window = try mapTouched(journal)
        defer { munmap(window, size) }
        let notJournal = try mapTouched(other)
        defer { munmap(notJournal, size) }

        #expect(try residentKiB(of: window) == size / 1024)
        #expect(PageRelease.journalMappings() >= size)
        #expect(try residentKiB(of: window) == 0)
        #expect(try residentKiB(of: notJournal) == size / 1024)
        for i in stride(from: 0, to: size, by: 997) {
            #expect(window.load(fromByteOffset: i, as: UInt8.self) == pattern[i])
        }
    }

    /// `Rss:` of the mapping that starts at `address`, from /proc/self/smaps.
    private func residentKiB(of address: UnsafeMutableRawPointer) throws -> Int {
        guard let bytes = PageRelease.readProcFile("/proc/self/smaps") else { throw POSIXError(.ENOENT) }
        let text = String(decoding: bytes, as: UTF8.self)
        let start = String(UInt(bitPattern: address), radix: 16)
        var inMapping = false
        for line in text.split(separator: "\n") {
            if let dash = line.firstIndex(of: "-"), line[..<dash].allSatisfy(\.isHexDigit) {
                inMapping = line[..<dash] == start
            } else if inMapping, line.hasPrefix("Rss:") {
                return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
            }
        }
        Issue.record("no mapping at \(start)")
        return -1
    }
}
