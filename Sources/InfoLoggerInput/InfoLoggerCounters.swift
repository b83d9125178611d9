import Inputs
import Reporting
import Synchronization

/// What the InfoLogger receivers count, for the summary, `/metrics`, the logs and the tests.
public final class InfoLoggerCounters: Sendable {
    /// Records written to the spool.
    public let messages = Atomic<Int>(0)
    /// Records indexed whole or repaired (could not be split, bad timestamp, invalid UTF-8).
    public let malformed = Atomic<Int>(0)
    /// Connections closed because their bytes were not the protocol (or a record exceeded `max_record_bytes`).
    public let protocolErrors = Atomic<Int>(0)
    public let connectionsAccepted = Atomic<Int>(0)
    /// `server` mode: ACK lines sent (one per burst, cumulative).
    public let acksSent = Atomic<Int>(0)
    /// `stream` mode: reconnections during which messages may have been missed.
    public let gaps = Atomic<Int>(0)
    /// `tee`: messages forwarded, and dropped because the forward queue was full.
    public let teeForwarded = Atomic<Int>(0)
    public let teeDropped = Atomic<Int>(0)
    public init() {}

    /// A copy of every counter at one moment (each read on its own: they may be a few events apart).
    public struct Snapshot: Sendable, Equatable {
        public var messages = 0, malformed = 0, protocolErrors = 0, connectionsAccepted = 0, acksSent = 0, gaps = 0
        public var teeForwarded = 0, teeDropped = 0
        public init() {}

        public static func + (a: Snapshot, b: Snapshot) -> Snapshot {
            var s = Snapshot()
            s.messages = a.messages + b.messages
            s.malformed = a.malformed + b.malformed
            s.protocolErrors = a.protocolErrors + b.protocolErrors
            s.connectionsAccepted = a.connectionsAccepted + b.connectionsAccepted
            s.acksSent = a.acksSent + b.acksSent
            s.gaps = a.gaps + b.gaps
            s.teeForwarded = a.teeForwarded + b.teeForwarded
            s.teeDropped = a.teeDropped + b.teeDropped
            return s
        }
    }

    public func snapshot() -> Snapshot {
        var s = Snapshot()
        s.messages = messages.load(ordering: .relaxed)
        s.malformed = malformed.load(ordering: .relaxed)
        s.protocolErrors = protocolErrors.load(ordering: .relaxed)
        s.connectionsAccepted = connectionsAccepted.load(ordering: .relaxed)
        s.acksSent = acksSent.load(ordering: .relaxed)
        s.gaps = gaps.load(ordering: .relaxed)
        s.teeForwarded = teeForwarded.load(ordering: .relaxed)
        s.teeDropped = teeDropped.load(ordering: .relaxed)
        return s
    }

    /// docs/infologger.md#counters.
    public func metrics() -> [Metric] {
        let s = snapshot()
        func m(_ name: String, _ help: String, _ value: Int) -> Metric { Metric("logbridge_infologger_" + name, .counter, help: help, value) }
        return [
            m("messages_total", "InfoLogger records written to the spool.", s.messages),
            m("malformed_total", "InfoLogger records indexed whole or repaired (event.original kept).", s.malformed),
            m("protocol_errors_total", "InfoLogger connections closed because their bytes were not the protocol or a record was too long.", s.protocolErrors),
            m("connections_total", "InfoLogger connections accepted (server, local) or made (stream).", s.connectionsAccepted),
            m("acks_sent_total", "Cumulative ACKs sent to infoLoggerD (server mode), each after an fsync.", s.acksSent),
            m("stream_gaps_total", "Reconnections of stream mode during which messages may have been missed.", s.gaps),
            m("tee_forwarded_total", "Messages the tee's infoLoggerServer acknowledged.", s.teeForwarded),
            m("tee_dropped_total", "Messages not forwarded to the tee because its queue was full (never dropped for the cluster).", s.teeDropped),
        ]
    }

    /// The run's summary line: `infologger_messages=… infologger_malformed=…`, in this order.
    public func summaryFields() -> [(String, Int)] {
        let s = snapshot()
        return [("infologger_messages", s.messages), ("infologger_malformed", s.malformed),
                ("infologger_protocol_errors", s.protocolErrors), ("infologger_connections", s.connectionsAccepted),
                ("infologger_acks", s.acksSent), ("infologger_gaps", s.gaps),
                ("infologger_tee_forwarded", s.teeForwarded), ("infologger_tee_dropped", s.teeDropped)]
    }
}
