/// xoshiro256** seeded through splitmix64: fast, and the same seed gives the same journal on every platform
/// (`SystemRandomNumberGenerator` would not, and Swift's default hashing is randomised per process).
struct SeededRandom: RandomNumberGenerator {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    init(seed: UInt64) {
        var mixer = seed
        func splitmix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in `0..<bound`; the modulo bias is below 2⁻³², irrelevant for sample data.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func inRange(_ low: Int, _ high: Int) -> Int { low + below(high - low + 1) }

    /// Exponentially distributed, so gaps between entries look like independent arrivals.
    mutating func exponential(mean: Double) -> Double {
        let unit = Double(next() >> 11) * 0x1.0p-53
        return -mean * log1pApprox(-unit)
    }

    /// 32 lowercase hex digits, the form of machine, boot and invocation ids.
    mutating func hexID() -> [UInt8] {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var id: [UInt8] = []
        id.reserveCapacity(32)
        for _ in 0..<2 {
            var word = next()
            for _ in 0..<16 { id.append(digits[Int(word & 15)]); word >>= 4 }
        }
        return id
    }
}

#if canImport(Glibc)
import Glibc
private func log1pApprox(_ x: Double) -> Double { Glibc.log1p(x) }
#else
import Foundation
private func log1pApprox(_ x: Double) -> Double { Foundation.log1p(x) }
#endif
