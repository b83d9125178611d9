/// Writes nested JSON objects member by member, placing commas itself, so encoders can emit optional
/// fields without building an intermediate dictionary.
public struct JSONObjectWriter {
    // Bit d set: the object at depth d has no member yet.
    @usableFromInline var firstAtDepth: UInt64 = 0
    @usableFromInline var depth = 0

    public init() {}

    @inlinable @inline(__always)
    public mutating func begin<Out: JSONOutput>(_ out: inout Out) {
        out.append(0x7B)
        depth = 0
        firstAtDepth = 1
    }

    /// Starts a member: the comma, unless it is the first of its object (or array). A caller that computes its
    /// key per event writes the key itself after this.
    @inlinable @inline(__always)
    public mutating func member<Out: JSONOutput>(_ out: inout Out) {
        let bit: UInt64 = 1 << UInt64(depth)
        if firstAtDepth & bit != 0 { firstAtDepth &= ~bit } else { out.append(0x2C) }
    }

    /// Writes `,"name":` (or without the comma for the first member); `quotedKeyColon` is a literal `"\"name\":"`.
    @inlinable @inline(__always)
    public mutating func key<Out: JSONOutput>(_ quotedKeyColon: StaticString, _ out: inout Out) {
        member(&out)
        out.append(quotedKeyColon)
    }

    @inlinable @inline(__always)
    public mutating func beginObject<Out: JSONOutput>(_ quotedKeyColon: StaticString, _ out: inout Out) {
        key(quotedKeyColon, &out)
        open(0x7B, &out)
    }

    /// Writes pre-encoded members (`"a":1,"b":2`) into the current object.
    @inlinable @inline(__always)
    public mutating func rawMembers<Out: JSONOutput>(_ members: [UInt8], _ out: inout Out) {
        guard !members.isEmpty else { return }
        member(&out)
        out.append(bytes: members)
    }

    @inlinable @inline(__always)
    public mutating func endObject<Out: JSONOutput>(_ out: inout Out) {
        out.append(0x7D)
        depth -= 1
    }

    /// Opens an array member (`,"name":[`); its elements are written with `element`, commas placed likewise.
    @inlinable @inline(__always)
    public mutating func beginArray<Out: JSONOutput>(_ quotedKeyColon: StaticString, _ out: inout Out) {
        key(quotedKeyColon, &out)
        open(0x5B, &out)
    }

    /// One pre-encoded element (`"syslog_truncated"`) of the array opened last.
    @inlinable @inline(__always)
    public mutating func element<Out: JSONOutput>(_ encoded: StaticString, _ out: inout Out) {
        member(&out)
        out.append(encoded)
    }

    @inlinable @inline(__always)
    public mutating func endArray<Out: JSONOutput>(_ out: inout Out) {
        out.append(0x5D)
        depth -= 1
    }

    /// `{` or `[` one level down, whose first member gets no comma.
    @inlinable @inline(__always)
    mutating func open<Out: JSONOutput>(_ bracket: UInt8, _ out: inout Out) {
        out.append(bracket)
        depth += 1
        firstAtDepth |= 1 << UInt64(depth)
    }
}
