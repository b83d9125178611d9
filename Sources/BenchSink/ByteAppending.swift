/// Appending to response buffers without going through `String`.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func append(ascii text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func appendDecimal(_ value: Int) {
        precondition(value >= 0)
        if value < 10 { append(UInt8(value) + 48); return }
        var digits = 0
        var rest = value
        while rest > 0 { digits += 1; rest /= 10 }
        let first = count
        append(contentsOf: repeatElement(0, count: digits))
        rest = value
        for position in stride(from: first + digits - 1, through: first, by: -1) {
            self[position] = UInt8(rest % 10) + 48
            rest /= 10
        }
    }
}
