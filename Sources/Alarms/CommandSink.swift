import Foundation
import JSON

/// ElastAlert's `command` alerter: runs a program per alarm event, its arguments filled from the alarm
/// (`%(host.name)s` or `{match[host.name]}`, as ElastAlert's `resolve_string` writes them), with the match as
/// JSON on standard input (`pipe_match_json`: a one-element JSON list, as ElastAlert pipes `matches`) or the
/// alert text (`pipe_alert_text`).
///
/// Security: the list form runs the program directly (execve), so a value taken from a log line is one argument
/// and never shell syntax; the string form — ElastAlert's way of asking for a shell — runs `/bin/sh -c` and is
/// therefore refused when it holds placeholders. A command that has not exited after `timeout` seconds is killed
/// and, like a non-zero exit, is a failed delivery: retried, then kept as pending, like every other sink.
struct CommandSink: AlarmSink {
    let spec: SinkSpec.Command
    var id: String { "command:" + spec.argv.joined(separator: " ") }

    func deliver(_ events: [AlarmEvent]) throws {
        for e in events { try run(e) }
    }

    private func run(_ event: AlarmEvent) throws {
        // An aggregation summary runs the command once for its period, as ElastAlert does: the arguments from the
        // first held event's match, all of them piped as the JSON list.
        let matches = event.aggregated.map { $0.map(Self.match) } ?? [Self.match(event)]
        let match = matches.first ?? Self.match(event)
        let argv = spec.shell ? ["/bin/sh", "-c", spec.argv[0]] : spec.argv.map { Self.resolve($0, match) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env")
        process.arguments = argv[0].hasPrefix("/") ? Array(argv.dropFirst()) : argv
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do { try process.run() } catch { throw AlarmsError("command \(argv[0]): \(error)") }
        // Standard error is drained while the command runs, so a chatty one cannot block on a full pipe.
        nonisolated(unsafe) var stderrText = Data()
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            stderrText = errors.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        var payload: [UInt8] = []
        if spec.pipeMatchJSON { payload = JSONValue.array(matches.map(JSONValue.object)).compactBytes + [0x0A] }
        else if spec.pipeAlertText { payload = Array((event.subject + "\n\n" + event.text + "\n").utf8) }
        Self.writeWithoutPipeSignal(input.fileHandleForWriting.fileDescriptor, payload)
        try? input.fileHandleForWriting.close()
        if exited.wait(timeout: .now() + spec.timeout) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 2) == .timedOut { kill(process.processIdentifier, SIGKILL); exited.wait() }
            _ = drained.wait(timeout: .now() + 1)
            throw AlarmsError("command \(argv[0]) did not finish within \(spec.timeout) s and was killed")
        }
        _ = drained.wait(timeout: .now() + 1)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit ? "exited with \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
            let detail = String(decoding: stderrText.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw AlarmsError("command \(argv[0]) \(how)" + (detail.isEmpty ? "" : ": " + detail))
        }
    }

    /// Writes what the command may read; a command that exits without reading makes the write fail with EPIPE.
    /// SIGPIPE is blocked on this thread meanwhile (and a pending one taken), since its default action would end
    /// the whole alarm job.
    private static func writeWithoutPipeSignal(_ fd: Int32, _ bytes: [UInt8]) {
        var block = sigset_t(), previous = sigset_t()
        sigemptyset(&block)
        sigaddset(&block, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &block, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var none = timespec()
                _ = sigtimedwait(&block, nil, &none)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }

    /// What the command is told about the alarm, in ElastAlert's match shape: the alarm's fields as flat dotted
    /// keys (ElastAlert's lookups accept those), `@timestamp`, `num_hits`, and LogBridge's own alarm fields.
    static func match(_ e: AlarmEvent) -> [String: JSONValue] {
        var m = e.fields.mapValues(JSONValue.string)
        m["@timestamp"] = .string(Timestamps.format(e.time))
        m["rule"] = .string(e.rule)
        m["key"] = .string(e.key)
        m["state"] = .string(e.state.rawValue)
        m["severity"] = .string(e.severity)
        m["num_hits"] = e.value == e.value.rounded() ? .int(Int(e.value)) : .double(e.value)
        m["subject"] = .string(e.subject)
        m["text"] = .string(e.text)
        m["raised_at"] = .string(Timestamps.format(e.raisedAt))
        m["notification"] = .int(e.notification)
        return m
    }

    /// `%(field)s` and `{match[field]}` replaced by the match's values; a missing field reads `<MISSING VALUE>`,
    /// as in ElastAlert.
    static func resolve(_ template: String, _ match: [String: JSONValue]) -> String {
        func value(_ field: String) -> String { match[field]?.plainText ?? "<MISSING VALUE>" }
        var out = ""
        var rest = Substring(template)
        while let start = rest.firstIndex(where: { $0 == "%" || $0 == "{" }) {
            out += rest[..<start]
            let tail = rest[start...]
            if tail.hasPrefix("%("), let close = tail.range(of: ")s") {
                out += value(String(tail[tail.index(start, offsetBy: 2)..<close.lowerBound]))
                rest = tail[close.upperBound...]
            } else if tail.hasPrefix("{match["), let close = tail.range(of: "]}") {
                out += value(String(tail[tail.index(start, offsetBy: 7)..<close.lowerBound]))
                rest = tail[close.upperBound...]
            } else {
                out.append(tail.first!)
                rest = tail.dropFirst()
            }
        }
        return out + rest
    }

    /// Whether a shell command string holds placeholders (refused: a log line could then inject shell syntax).
    static func hasPlaceholders(_ text: String) -> Bool { text.contains("%(") || text.contains("{match[") }
}
