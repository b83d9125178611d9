/// Small immutable edits of nested objects, for the flavour rewrites.
extension JSONValue {
    public func value(at path: [String]) -> JSONValue? {
        var node: JSONValue? = self
        for key in path { node = node?[key] }
        return node
    }

    public func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard var members = objectValue else { return self }
        members[key] = value
        return .object(members)
    }

    /// Sets the value at `path`, creating the objects on the way.
    public func replacing(path: [String], with value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        var members = objectValue ?? [:]
        members[key] = (members[key] ?? .object([:])).replacing(path: Array(path.dropFirst()), with: value)
        return .object(members)
    }

    /// Removes the value at `path`, and any object left empty by the removal.
    public func removing(path: [String]) -> JSONValue {
        guard let key = path.first, var members = objectValue, let child = members[key] else { return self }
        if path.count == 1 {
            members[key] = nil
        } else {
            let edited = child.removing(path: Array(path.dropFirst()))
            members[key] = edited.objectValue?.isEmpty == true ? nil : edited
        }
        return .object(members)
    }

    /// Objects merge key by key, `other` winning; arrays and scalars are replaced by `other`'s.
    public func deepMerged(with other: JSONValue) -> JSONValue {
        guard var members = objectValue, let otherMembers = other.objectValue else { return other }
        for (key, value) in otherMembers {
            members[key] = members[key].map { $0.deepMerged(with: value) } ?? value
        }
        return .object(members)
    }
}
