@testable import Setup

/// The kind of an action without its version: the files' objects carry different versions (each bumped on
/// its own), and a first or second run is judged by kind.
extension SetupChange.Action {
    var isCreated: Bool { if case .created = self { true } else { false } }
    var isUnchanged: Bool { if case .unchanged = self { true } else { false } }
    var isWouldCreate: Bool { if case .wouldCreate = self { true } else { false } }
}
