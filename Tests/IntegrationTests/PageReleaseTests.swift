import Foundation
import Glibc
import Testing
@testable import Shipper

/// The start-up page release must drop only pages it can get back unchanged: clean read-only file pages go,
/// a read-only mapping holding a written page (as the loader's RELRO segments do) keeps its bytes.
@Suite struct StartupPageReleaseTests {
    @Test func dropsCleanFilePagesAndKeepsWrittenOnes() throws {
        let path = NSTemporaryDirectory() + "lb-pages-\(getpid()).bin"
        let size = 64 * 4096
        var pattern = [UInt8](repeating: 0, count: size)
        for i in pattern.indices { pattern[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
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
        let released = StartupPageRelease.releaseCleanFileMappings()
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

    /// `Rss:` of the mapping that starts at `address`, from /proc/self/smaps.
    private func residentKiB(of address: UnsafeMutableRawPointer) throws -> Int {
        // Read to the end by hand: /proc files report size 0, which String(contentsOfFile:) takes at its word.
        let fd = open("/proc/self/smaps", O_RDONLY)
        guard fd >= 0 else { throw POSIXError(.ENOENT) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while case let n = read(fd, &chunk, chunk.count), n > 0 { bytes += chunk[..<n] }
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
