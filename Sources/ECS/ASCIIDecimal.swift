/// Plain unsigned decimal numbers in bytes a parser already split out (a syslog procid, an InfoLogger pid).
public enum ASCIIDecimal {
    /// The digits in `range` as a number; nil when empty, not all digits, or longer than 18 digits (which
    /// always fits in Int64, so no overflow check is needed).
    @inlinable @inline(__always)
    public static func unsigned(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var v: Int64 = 0
        for i in range {
            let d = bytes[i] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
        }
        return v
    }
}
