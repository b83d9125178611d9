import Foundation

/// InfoLogger: protocol-1.4 records (`*1.4#severity#level#timestamp#host#role#pid#user#system#facility#detector#
/// partition#run#errcode#errline#errsource#message`) written to infoLoggerD's stream socket, facility `ilg/alert`.
struct InfoLoggerSink: AlarmSink {
    /// `@infoLoggerD` is the abstract socket infoLoggerD listens on.
    let socket: String
    var id: String { "infologger:" + socket }

    func deliver(_ events: [AlarmEvent]) throws {
        let connection = try DatagramSocket.unix(path: socket, type: Int32(SOCK_STREAM.rawValue))
        defer { connection.close() }
        try connection.send(Array(events.map(record).joined().utf8))
    }

    func record(_ e: AlarmEvent) -> String {
        let severity: String
        switch (e.state, e.severity) {
        case (.cleared, _): severity = "I"
        case (_, "critical"): severity = "F"
        case (_, "error"): severity = "E"
        case (_, "warning"): severity = "W"
        default: severity = "I"
        }
        let host = ProcessInfo.processInfo.hostName
        let fields = [
            "*1.4", severity, "1", String(format: "%.6f", e.time), clean(host), "logbridge",
            String(ProcessInfo.processInfo.processIdentifier), "", "LogBridge", "ilg/alert",
            clean(e.fields["infologger.detector"] ?? ""), "", "", "", "", clean(e.rule), clean(e.subject + " — " + e.text),
        ]
        return fields.joined(separator: "#") + "\n"
    }

    /// `#` separates fields and a newline ends the record; neither may appear inside a field.
    private func clean(_ text: String) -> String {
        String(text.map { $0 == "#" ? ":" : ($0 == "\n" ? " " : $0) })
    }
}
