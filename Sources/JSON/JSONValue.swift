/// A JSON document as a value: requests built and compared as values, answers read by path, documents printed
/// the same way every time (sorted keys), so equal objects give equal bytes and a dry run diffs cleanly.
///
/// Numbers keep their kind: an integer literal that fits `Int` is `.int`, any other number `.double`.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    /// Follows dotted object keys: `value[path: "policy._meta.version"]`.
    public subscript(path path: String) -> JSONValue? {
        var node: JSONValue? = self
        for key in path.split(separator: ".") { node = node?[String(key)] }
        return node
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var intValue: Int? {
        switch self {
        case .int(let number): return number
        // JSON has one number type: `2.0` written by another tool is still the integer 2.
        case .double(let number) where number == number.rounded(): return Int(exactly: number)
        default: return nil
        }
    }

    /// Any number as a Double (aggregation values, counts).
    public var doubleValue: Double? {
        switch self {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }
}

// Literals, so requests read like the JSON they become: `["term": [field: .string(value)]]`.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
                     ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// An array of strings.
    public init<S: Sequence>(_ items: S) where S.Element == String { self = .array(items.map(JSONValue.string)) }

    /// An object of strings (labels, an alarm's fields).
    public init(_ members: [String: String]) { self = .object(members.mapValues(JSONValue.string)) }
}

extension JSONValue: Decodable {
    /// For `Decodable` types that hold a free-form member (rare: prefer `JSONValue(parsing:)` for a whole text).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
