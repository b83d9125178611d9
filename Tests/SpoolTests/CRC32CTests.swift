import Testing
import TestSupport
@testable import Spool

/// The spool's on-disk format is CRC-32C: the SSE4.2 instruction path must give exactly what the table code
/// gives (and what spools written before it hold), for every length and alignment a record can have.
@Suite struct CRC32CTests {
    @Test("this CPU takes the hardware path (x86-64 has had SSE4.2 since 2008)")
    func hardwareIsUsed() {
        #if arch(x86_64)
        #expect(CRC32C.usesHardware)
        #endif
    }

    @Test("the standard check value and an all-zero block, both paths")
    func knownValues() {
        let check = Array("123456789".utf8)
        #expect(check.withUnsafeBytes { CRC32C.update(0, $0) } == 0xE306_9283)
        #expect(check.withUnsafeBytes { CRC32C.software(0, $0) } == 0xE306_9283)
        // RFC 3720 B.4: 32 bytes of zeros.
        let zeros = [UInt8](repeating: 0, count: 32)
        #expect(zeros.withUnsafeBytes { CRC32C.update(0, $0) } == 0x8A91_36AA)
        #expect(zeros.withUnsafeBytes { CRC32C.software(0, $0) } == 0x8A91_36AA)
    }

    @Test("hardware equals software over random bytes, lengths 0…4096, every alignment, chained updates")
    func hardwareEqualsSoftware() {
        var rng = SeededGenerator(seed: UInt64.random(in: 0...UInt64.max))
        let seed = rng.state
        var storage = [UInt8](repeating: 0, count: 4096 + 16)
        for i in storage.indices { storage[i] = UInt8(truncatingIfNeeded: rng.next()) }
        var mismatches: [String] = []
        storage.withUnsafeBytes { all in
            for length in 0...4096 {
                // Every alignment for short and for the longest records, one (varying) alignment in between.
                let offsets = length < 80 || length > 4080 ? Array(0..<8) : [length % 8]
                for offset in offsets {
                    let bytes = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                    let start = UInt32(truncatingIfNeeded: rng.next())   // continuing from a header's checksum
                    let hw = CRC32C.update(start, bytes), sw = CRC32C.software(start, bytes)
                    if hw != sw { mismatches.append("length \(length) offset \(offset) start \(start): \(hw) vs \(sw)") }
                    // Header then payload, as RecordHeader chains them: the split point must not matter.
                    let cut = length == 0 ? 0 : Int(rng.next() % UInt64(length + 1))
                    let chained = CRC32C.update(CRC32C.update(0, UnsafeRawBufferPointer(rebasing: bytes[..<cut])),
                                                UnsafeRawBufferPointer(rebasing: bytes[cut...]))
                    if chained != CRC32C.software(0, bytes) { mismatches.append("length \(length) offset \(offset) cut \(cut): chained") }
                }
            }
        }
        #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.prefix(5))")
    }
}
