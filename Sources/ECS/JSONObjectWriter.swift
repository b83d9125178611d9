/// Writes nested JSON objects member by member, placing commas itself, so encoders can emit optional
/// fields without building an intermediate dictionary.
public struct JSONObjectWriter {
    // Bit d set: the object at depth d has no member yet.
    private var firstAtDepth: UInt64 = 0
    private var depth = 0

    public init() {}

    @inline(__always)
    public mutating func begin(_ out: inout [UInt8]) {
        out.append(0x7B)
        depth = 0
        firstAtDepth = 1
    }

    /// Writes `,"name":` (or without the comma for the first member). `quotedKeyColon` is `"name":`.
    @inline(__always)
    public mutating func key(_ quotedKeyColon: [UInt8], _ out: inout [UInt8]) {
        let bit: UInt64 = 1 << UInt64(depth)
        if firstAtDepth & bit != 0 { firstAtDepth &= ~bit } else { out.append(0x2C) }
        out.append(contentsOf: quotedKeyColon)
    }

    /// Same as `key(_:_:)` for a key written as a literal `"\"name\":"`: no reference counting on the hot path.
    @inline(__always)
    public mutating func key(_ quotedKeyColon: StaticString, _ out: inout [UInt8]) {
        let bit: UInt64 = 1 << UInt64(depth)
        if firstAtDepth & bit != 0 { firstAtDepth &= ~bit } else { out.append(0x2C) }
        quotedKeyColon.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func beginObject(_ quotedKeyColon: StaticString, _ out: inout [UInt8]) {
        key(quotedKeyColon, &out)
        out.append(0x7B)
        depth += 1
        firstAtDepth |= 1 << UInt64(depth)
    }

    /// Writes pre-encoded members (`"a":1,"b":2`) into the current object.
    @inline(__always)
    public mutating func rawMembers(_ members: [UInt8], _ out: inout [UInt8]) {
        guard !members.isEmpty else { return }
        let bit: UInt64 = 1 << UInt64(depth)
        if firstAtDepth & bit != 0 { firstAtDepth &= ~bit } else { out.append(0x2C) }
        out.append(contentsOf: members)
    }

    @inline(__always)
    public mutating func beginObject(_ quotedKeyColon: [UInt8], _ out: inout [UInt8]) {
        key(quotedKeyColon, &out)
        out.append(0x7B)
        depth += 1
        firstAtDepth |= 1 << UInt64(depth)
    }

    @inline(__always)
    public mutating func endObject(_ out: inout [UInt8]) {
        out.append(0x7D)
        depth -= 1
    }

    /// Opens an array member (`,"name":[`); its elements are written with `element`, commas placed likewise.
    @inline(__always)
    public mutating func beginArray(_ quotedKeyColon: StaticString, _ out: inout [UInt8]) {
        key(quotedKeyColon, &out)
        out.append(0x5B)
        depth += 1
        firstAtDepth |= 1 << UInt64(depth)
    }

    /// One pre-encoded element (`"syslog_truncated"`) of the array opened last.
    @inline(__always)
    public mutating func element(_ encoded: StaticString, _ out: inout [UInt8]) {
        let bit: UInt64 = 1 << UInt64(depth)
        if firstAtDepth & bit != 0 { firstAtDepth &= ~bit } else { out.append(0x2C) }
        encoded.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func endArray(_ out: inout [UInt8]) {
        out.append(0x5D)
        depth -= 1
    }

    /// `"name":` as bytes, for keys known at compile time.
    public static func keyBytes(_ name: String) -> [UInt8] { Array("\"\(name)\":".utf8) }
}
