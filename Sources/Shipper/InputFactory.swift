import Config
import Inputs
import Pipeline

/// Builds the running input for each configured one. Network inputs get a spool under
/// `<state_dir>/spool/<input id>`; re-readable ones need none.
enum InputFactory {
    static func make(_ settings: InputSettings, stateDirectory: String) throws -> any Input {
        switch settings {
        case .journald(let j):
            return JournaldInput(settings: j)
        case .syslog(let s):
            throw InputUnavailable(type: "syslog", id: s.id)
        case .file(let f):
            throw InputUnavailable(type: "file", id: f.id)
        case .infologger(let i):
            throw InputUnavailable(type: "infologger", id: i.id)
        }
    }

    static func spoolDirectory(_ stateDirectory: String, _ id: String) -> String {
        stateDirectory + "/spool/" + CheckpointStore.fileName(id)
    }
}

struct InputUnavailable: Error, CustomStringConvertible {
    let type: String
    let id: String
    var description: String { "input \(id): type \(type) is not available in this build yet" }
}
