import Config
import Inputs
import Instrumentation

/// InfoLoggerInput owns `type: infologger`: ALICE InfoLogger messages into the spool, in one of three modes —
/// `server` (infoLoggerD daemons connect; a frame is ACKed only once durably spooled), `stream` (subscriber of
/// infoLoggerServer's online port) and `local` (infoLoggerD's Unix socket on a node). Records of protocol 1.2,
/// 1.3 and 1.4 become ECS documents with a deterministic `_id` from the record's content. See docs/infologger.md.
public enum InfoLoggerInput {
    /// The running input: a `SpooledInput` whose receiver is the configured mode. The spool creates only its own
    /// directory: its parent (`<state_dir>/spool`) is the caller's (`InputFactory.makeAll`).
    public static func make(_ settings: InfoLoggerInputSettings, spoolDirectory: String,
                            counters: InfoLoggerCounters = InfoLoggerCounters()) -> SpooledInput {
        let shared = InfoLoggerReceiverSettings(input: settings, counters: counters)
        let receiver: SpoolReceiver
        switch settings.mode {
        case .server: receiver = ServerModeReceiver(settings: shared)
        case .stream: receiver = StreamModeReceiver(settings: shared)
        case .local: receiver = LocalModeReceiver(settings: shared)
        }
        let input = SpooledInput(id: settings.id, directory: spoolDirectory, settings: settings.spool, receiver: receiver)
        shared.inputCounters = input.counters
        return input
    }

    /// The TCP port `server` mode listens on once started (tests listen on port 0).
    public static func serverPort(of input: SpooledInput) -> Int? {
        (input.receiver as? ServerModeReceiver)?.port
    }
}

/// The three modes' receivers: one `type`, one set of counters for `/metrics` and the summary line.
protocol InfoLoggerReceiver: SpoolReceiver {
    var settings: InfoLoggerReceiverSettings { get }
}

extension InfoLoggerReceiver {
    var type: String { "infologger" }
    func metrics() -> [Metric] { settings.counters.metrics() }
    func summaryFields() -> [(String, Int)] { settings.counters.summaryFields() }
}

extension ServerModeReceiver: InfoLoggerReceiver {}
extension StreamModeReceiver: InfoLoggerReceiver {}
extension LocalModeReceiver: InfoLoggerReceiver {}

/// What every receiver of one input shares.
final class InfoLoggerReceiverSettings: @unchecked Sendable {
    let input: InfoLoggerInputSettings
    let counters: InfoLoggerCounters
    var dataset: String { input.dataset }
    /// The input's own counters (the summary's `malformed`); set once in `make`, before any thread starts.
    var inputCounters: InputCounters?

    init(input: InfoLoggerInputSettings, counters: InfoLoggerCounters) {
        self.input = input; self.counters = counters
    }
}
