import FuzzSupport
import JSON

// Cluster answers, saved-object exports and `Mappings/` files are read by `JSONValue(parsing:)`: any bytes
// must be read as one value or refused with an offset inside the input, never crash or recurse off the stack.
// What is read must also write back to text that reads back to the same value, compact and indented, with
// the same bytes the second time: requests are compared byte for byte (`--explain`, setup's dry run).
FuzzSupport.main { bytes in
    let value: JSONValue
    do throws(JSONValue.ParseError) {
        value = try JSONValue(parsing: bytes)
    } catch {
        precondition((0...bytes.count).contains(error.offset), "error offset \(error.offset) outside \(bytes.count) bytes")
        return
    }
    let compact = value.compactBytes
    guard let again = try? JSONValue(parsing: compact) else { fatalError("own output refused: \(value.compactText.prefix(300))") }
    precondition(again.compactBytes == compact, "writing is not stable: \(value.compactText.prefix(300))")
    precondition(again.sameNumbers(as: value), "read back differs: \(value.compactText.prefix(300))")
    guard let pretty = try? JSONValue(parsing: value.prettyText) else { fatalError("own indented output refused") }
    precondition(pretty == again, "indented text reads back differently: \(value.compactText.prefix(300))")
    var unsorted: [UInt8] = []
    value.append(to: &unsorted, sortedKeys: false)
    precondition((try? JSONValue(parsing: unsorted)) == again, "unsorted text reads back differently")
}

extension JSONValue {
    /// Equal, numbers compared as numbers: a whole Double is written as an integer and reads back as `.int`.
    func sameNumbers(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.array(let a), .array(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.sameNumbers(as: $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { value.sameNumbers(as: $0) } ?? false }
        case (.int, .double), (.double, .int), (.double, .double):
            guard let x = doubleValue, let y = other.doubleValue else { return false }
            return x == y
        default: return self == other
        }
    }
}
