/// Appending to the export buffer without `String`: the 1M-entry bench corpus is written field by field,
/// so every formatting step here avoids allocation.
extension Array where Element == UInt8 {
    @inline(__always)
    mutating func append(ascii text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        var digits = 0
        var rest = value
        while rest > 0 { digits += 1; rest /= 10 }
        let first = count
        append(contentsOf: repeatElement(0, count: digits))
        rest = value
        var position = first + digits - 1
        while rest > 0 {
            self[position] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
            rest /= 10
            position -= 1
        }
    }

    mutating func appendDecimal(_ value: Int) { appendDecimal(UInt64(value)) }

    /// `NAME=value\n`; only for values that contain no newline.
    mutating func appendField(_ name: StaticString, _ value: [UInt8]) {
        append(ascii: name); append(61); append(contentsOf: value); append(10)
    }

    mutating func appendField(_ name: StaticString, _ value: StaticString) {
        append(ascii: name); append(61); append(ascii: value); append(10)
    }

    mutating func appendField(_ name: StaticString, decimal value: UInt64) {
        append(ascii: name); append(61); appendDecimal(value); append(10)
    }

    /// The export format's binary-safe form: `NAME\n`, 64-bit little-endian length, the bytes, `\n`.
    /// journal-remote needs it for values with newlines; invalid UTF-8 goes this way too, to be safe.
    mutating func appendBinaryField(_ name: StaticString, _ value: [UInt8]) {
        append(ascii: name); append(10)
        var length = UInt64(value.count).littleEndian
        Swift.withUnsafeBytes(of: &length) { append(contentsOf: $0) }
        append(contentsOf: value); append(10)
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
