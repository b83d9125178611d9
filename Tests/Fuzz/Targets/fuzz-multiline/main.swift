import Config
import ECS
import FileInput
import Foundation
import FuzzSupport
import Inputs
import Logging
import Pipeline

// Log files hold whatever programs wrote (stack traces, binary junk, lines longer than any limit): the file
// input's line scanning, multiline grouping and formats must turn any bytes into valid documents.
//
// The input is the real `FileTailInput` in `--once` mode over a file holding the fuzz bytes (its grouping is
// private to the read loop, so the whole input is the entry point). Input layout: three settings bytes, then the
// file content. Byte 0 picks start/continuation mode, the format and the pattern; bytes 1 and 2 the limits,
// kept small so max_lines, max_bytes and max_line_size are all reached by short inputs.

let patterns = [
    "^[[:space:]]", "^[A-Z][a-z]{2} [ 0-9][0-9] ", "^[0-9]{4}-[0-9]{2}-[0-9]{2}", "^\\[", "\\\\$",
    "^(Caused by|\tat )", "^$", "^<[0-9]+>",
]
let formats: [FileInputSettings.Format] = [.plain, .rfc3164, .rfc5424, .json]
let directory: String = {
    var template = Array("/tmp/lb-fuzz-multiline-XXXXXX".utf8CString)
    guard let p = mkdtemp(&template) else { fatalError("mkdtemp failed") }
    return String(cString: p)
}()
let file = directory + "/input.log"

/// Documents handed over by the input; `run` calls `submit` on the calling thread in `--once` mode.
final class Collected: @unchecked Sendable {
    var documents: [[String: Any]] = []
}

FuzzSupport.main { bytes in
    guard bytes.count >= 3 else { return }
    let (a, b, c) = (Int(bytes[0]), Int(bytes[1]), Int(bytes[2]))
    var settings = FileInputSettings(id: "fuzz")
    settings.paths = [file]
    settings.timezone = "UTC"
    settings.format = formats[(a >> 1) & 3]
    settings.maxLineBytes = 64 + (c & 63)
    var rule = FileInputSettings.Multiline(mode: a & 1 == 0 ? .start : .continuation, pattern: patterns[(a >> 3) & 7])
    rule.maxLines = 2 + (b & 7)
    rule.maxBytes = 16 + (b >> 3) * 8
    settings.multiline = a & 0xC0 == 0xC0 ? nil : rule   // a quarter of the runs without grouping
    guard FileManager.default.createFile(atPath: file, contents: Data(bytes[3...])) else { fatalError("cannot write \(file)") }

    let collected = Collected()
    let context = InputContext(
        once: true, output: OutputSettings(), agent: AgentInfo(name: "fuzz", id: "fuzz"),
        logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }), checkpoint: nil,
        submit: { batch in
            for i in 0..<batch.count {
                FuzzSupport.requireJSONObjectLines(Array(batch.actionLine(i)), what: "action line")
                collected.documents += FuzzSupport.requireJSONObjectLines(Array(batch.documentLine(i)), what: "file document")
            }
        },
        isStopping: { false })
    do { try FileTailInput(settings: settings).run(context) } catch { fatalError("file input failed: \(error)") }

    // A group never holds more lines than max_lines (its message joins them with \n). JSON lines can carry
    // an escaped \n of their own, so only the syslog and plain formats are checked.
    let newlines = bytes[3...].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    precondition(collected.documents.count <= newlines + 1, "\(collected.documents.count) events from \(newlines + 1) lines")
    guard let rule = settings.multiline, settings.format != .json else { return }
    for doc in collected.documents {
        guard let message = doc["message"] as? String else { fatalError("document without message: \(doc)") }
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).count
        precondition(lines <= rule.maxLines, "group of \(lines) lines above max_lines \(rule.maxLines)")
    }
}
