import Config
import ECS
import Foundation
import Inputs
import Logging
import Pipeline
import Spool
import TestSupport
@testable import InfoLoggerInput

let quietLogger: Logger = {
    var l = Logger(label: "infologger-test")
    l.logLevel = .critical
    return l
}()

func testContext(logger: Logger = quietLogger) -> InputContext {
    InputContext(once: false, output: OutputSettings(), agent: AgentInfo(name: "test", id: "t1"), logger: logger,
                 checkpoint: nil, submit: { _ in }, isStopping: { false })
}

/// One spooled bulk item, split back into what the cluster would see.
struct SpooledDocument {
    var index: String
    var id: String
    var source: [String: Any]
    subscript(path: String) -> Any? {
        var node: Any? = source
        for key in path.split(separator: ".") { node = (node as? [String: Any])?[String(key)] }
        return node
    }

    init(_ payload: [UInt8]) throws {
        let parts = payload.split(separator: 0x0A)
        guard parts.count == 2,
              let action = try JSONSerialization.jsonObject(with: Data(parts[0])) as? [String: [String: String]],
              let source = try JSONSerialization.jsonObject(with: Data(parts[1])) as? [String: Any]
        else { throw PeerError("not a bulk item: \(String(decoding: payload, as: UTF8.self))") }
        index = action["create"]?["_index"] ?? ""
        id = action["create"]?["_id"] ?? ""
        self.source = source
    }
}

/// Encodes one record the way the receivers do.
func encode(_ record: String, arrival: Int64 = 1_800_000_000_000_000) throws -> (SpooledDocument, String?) {
    var encoder = InfoLoggerDocumentEncoder(dataset: "infologger", indexPattern: "logs-{dataset}-{yyyy.MM.dd}",
                                            agent: AgentInfo(name: "test", id: "t1"))
    var out: [UInt8] = []
    let bytes = Array(record.utf8)
    bytes.withUnsafeBufferPointer { encoder.encode($0, arrivalMicros: arrival, into: &out) }
    return (try SpooledDocument(out), encoder.lastProblem)
}

/// A real spool in a temporary directory and one receiver writing into it.
final class ReceiverHarness {
    let directory: String
    let spool: Spool
    let counters = InfoLoggerCounters()
    let receiver: SpoolReceiver
    private var reader: SpoolReader

    init(_ configure: (inout InfoLoggerInputSettings) -> Void, directory: String? = nil) throws {
        self.directory = try directory ?? temporaryDirectory("lb-ilg")
        var settings = InfoLoggerInputSettings(id: "il")
        settings.listen = .init(host: "127.0.0.1", port: 0)
        configure(&settings)
        let shared = InfoLoggerReceiverSettings(input: settings, counters: counters)
        switch settings.mode {
        case .server: receiver = ServerModeReceiver(settings: shared)
        case .stream: receiver = StreamModeReceiver(settings: shared)
        case .local: receiver = LocalModeReceiver(settings: shared)
        }
        spool = try Spool(SpoolOptions(directory: self.directory + "/spool", fsync: .never), logger: quietLogger)
        reader = SpoolReader(spool: spool)
        try receiver.start(spool: spool, context: testContext())
    }

    var port: Int { (receiver as? ServerModeReceiver)?.port ?? 0 }

    /// Documents appended since the last call, waiting up to `timeout` for at least `count`.
    func documents(atLeast count: Int, timeout: Double = 5) throws -> [SpooledDocument] {
        var out: [SpooledDocument] = []
        let deadline = Date().addingTimeInterval(timeout)
        while out.count < count, deadline.timeIntervalSinceNow > 0 {
            if let r = try reader.next(timeout: 0.1) { out.append(try SpooledDocument(r.payload)) }
        }
        while let r = try reader.next(timeout: 0.05) { out.append(try SpooledDocument(r.payload)) }
        return out
    }

    /// Stops and closes the spool (LogBridge going down); the directory stays for a restart.
    func stop() { receiver.stop(); spool.close() }
    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
