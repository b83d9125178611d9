/// Deterministic document ids: the same source record always gets the same `_id`, so a batch re-sent after a
/// crash or a retry is answered 409 (already there) instead of indexing a duplicate.
///
/// MurmurHash3 x64/128 (public domain, Austin Appleby) over the record's identity, as 22 characters of
/// base64url: 128 bits keep collisions out of reach at farm volumes, and the hash is stable across platforms.
public enum DocumentID {
    public static func make(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0x4C6F_6742_7269_6467) -> [UInt8] {
        let (h1, h2) = murmur3(bytes, seed: seed)
        return encode(h1, h2)
    }

    /// The same id written into `out` (replacing its contents) in the storage `out` already has: an input
    /// that keeps one id buffer makes no heap allocation per document (the array-returning `make` costs one).
    @inline(__always)
    public static func make(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0x4C6F_6742_7269_6467, into out: inout [UInt8]) {
        let (h1, h2) = murmur3(bytes, seed: seed)
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(22)
        alphabet.withUnsafeBufferPointer { a in
            for k in 0..<21 { out.append(a[Int(sextet(h1, h2, k))]) }
            out.append(a[Int((h2 & 3) << 4)])
        }
    }

    public static func make(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { make($0) } }
    public static func make(_ s: String) -> [UInt8] { make(Array(s.utf8)) }

    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The 128 bits as base64url without padding, most significant bits first: 21 groups of 6 bits from the
    /// first 126 bits, then the last 2 bits shifted into a final character.
    static func encode(_ h1: UInt64, _ h2: UInt64) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 22) { out, count in
            alphabet.withUnsafeBufferPointer { a in
                // Bits 0…63 from h1, 64…127 from h2; character k takes bits 6k…6k+5.
                for k in 0..<21 { out[k] = a[Int(sextet(h1, h2, k))] }
                out[21] = a[Int((h2 & 3) << 4)]
            }
            count = 22
        }
    }

    /// Character k's 6 bits: bits 6k…6k+5 of h1‖h2.
    @inline(__always) static func sextet(_ h1: UInt64, _ h2: UInt64, _ k: Int) -> UInt64 {
        let bit = 6 * k
        if bit + 6 <= 64 { return (h1 >> UInt64(58 - bit)) & 63 }
        if bit >= 64 { return (h2 >> UInt64(58 - (bit - 64))) & 63 }
        let fromH1 = 64 - bit   // 1…5 bits left in h1
        return ((h1 << UInt64(6 - fromH1)) | (h2 >> UInt64(58 + fromH1))) & 63
    }

    @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) static func fmix(_ k0: UInt64) -> UInt64 {
        var k = k0
        k ^= k >> 33; k &*= 0xff51afd7ed558ccd; k ^= k >> 33; k &*= 0xc4ceb9fe1a85ec53; k ^= k >> 33
        return k
    }

    public static func murmur3(_ data: UnsafeRawBufferPointer, seed: UInt64) -> (UInt64, UInt64) {
        let len = data.count
        let nblocks = len / 16
        var h1 = seed, h2 = seed
        let c1: UInt64 = 0x87c37b91114253d5, c2: UInt64 = 0x4cf5ad432745937f
        for i in 0..<nblocks {
            var k1 = data.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self).littleEndian
            var k2 = data.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self).littleEndian
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
            h1 = rotl(h1, 27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dce729
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
            h2 = rotl(h2, 31); h2 &+= h1; h2 = h2 &* 5 &+ 0x38495ab5
        }
        var k1: UInt64 = 0, k2: UInt64 = 0
        let tail = nblocks * 16
        let rest = len & 15
        if rest > 8 {
            for j in stride(from: rest - 1, through: 8, by: -1) { k2 ^= UInt64(data[tail + j]) << UInt64((j - 8) * 8) }
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
        }
        if rest > 0 {
            for j in stride(from: min(rest, 8) - 1, through: 0, by: -1) { k1 ^= UInt64(data[tail + j]) << UInt64(j * 8) }
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
        }
        h1 ^= UInt64(len); h2 ^= UInt64(len)
        h1 &+= h2; h2 &+= h1
        h1 = fmix(h1); h2 = fmix(h2)
        h1 &+= h2; h2 &+= h1
        return (h1, h2)
    }
}
