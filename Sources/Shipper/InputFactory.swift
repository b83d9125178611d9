import Config
import FileInput
import Foundation
import InfoLoggerInput
import JournaldInput
import Inputs
import Pipeline
import SyslogInput

/// Builds the running input for each configured one: the only place the shipper names concrete inputs.
/// Network inputs get a spool under `<state_dir>/spool/<input id>`; re-readable ones need none.
enum InputFactory {
    static func makeAll(_ settings: [InputSettings], stateDirectory: String) throws -> [any Input] {
        // The spool creates only its own directory; neither its parent nor the state directory may exist yet.
        for directory in [stateDirectory, stateDirectory + "/spool"] where mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw CheckpointError.io(path: directory, what: "mkdir", errno: errno)
        }
        return settings.map { make($0, stateDirectory: stateDirectory) }
    }

    static func make(_ settings: InputSettings, stateDirectory: String) -> any Input {
        switch settings {
        case .journald(let j):
            return JournaldInput(settings: j)
        case .syslog(let s):
            let receiver = SyslogReceiver(settings: s)
            let input = SpooledInput(id: s.id, directory: spoolDirectory(stateDirectory, s.id), settings: s.spool, receiver: receiver)
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
