import Config
import FileInput
import Foundation
import InfoLoggerInput
import Inputs
import Pipeline
import SyslogInput

/// Builds the running input for each configured one. Network inputs get a spool under
/// `<state_dir>/spool/<input id>`; re-readable ones need none.
enum InputFactory {
    static func make(_ settings: InputSettings, stateDirectory: String) throws -> any Input {
        switch settings {
        case .journald(let j):
            return JournaldInput(settings: j)
        case .syslog(let s):
            // The spool creates only its own directory; its parent may not exist on a fresh state_dir.
            try FileManager.default.createDirectory(atPath: stateDirectory + "/spool", withIntermediateDirectories: true)
            let receiver = SyslogReceiver(settings: s)
            let input = SpooledInput(id: s.id, directory: InputFactory.spoolDirectory(stateDirectory, s.id),
                                     settings: s.spool, receiver: receiver)
            receiver.inputCounters = input.counters
            return input
        case .file(let f):
            return FileTailInput(settings: f)
        case .infologger(let i):
            return InfoLoggerInput.make(i, spoolDirectory: spoolDirectory(stateDirectory, i.id))
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
