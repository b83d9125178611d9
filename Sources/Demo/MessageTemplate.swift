/// One kind of log line a farm service writes, parsed once from a readable pattern so the generator's hot
/// loop only copies bytes and formats integers.
///
/// Placeholders: `{n:LO-HI}` integer, `{f:LO-HI}` decimal with one fraction digit, `{ip}` a 10.160/14 farm
/// address, `{user}` an operator account, `{baduser}` a name scanners try, `{fp}` a key fingerprint,
/// `{unit}`/`{desc}` a systemd unit and its description (also written as `UNIT=`), `{run}` the O² run number,
/// `{det}` the host's detector, `{task}` a QC task of that detector.
struct MessageTemplate {
    enum Part {
        case text([UInt8])
        case integer(low: Int, high: Int)
        case tenths(low: Int, high: Int)
        case user, badUser, fingerprint, unit, unitDescription, run, detector, task
    }

    let priority: UInt8
    let weight: Int
    let parts: [Part]
    /// Preformatted `NAME=value\n` lines this kind of entry always carries (e.g. `_KERNEL_DEVICE`).
    let extraFields: [UInt8]
    /// Preformatted `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, as `sd_journal_send` adds them.
    let codeLocation: [UInt8]
    let namesUnit: Bool
    /// Counted by a shipped alarm rule (err-or-worse, sshd authentication failures, systemd restart jobs): left
    /// out of the quiet background of a journal with incidents, so its alarms are the incidents.
    let alarming: Bool

    init(_ priority: UInt8, _ weight: Int, _ pattern: String,
         fields: [(String, String)] = [], code: (file: String, line: Int, function: String)? = nil) {
        self.priority = priority
        self.weight = weight
        parts = MessageTemplate.parse(pattern)
        extraFields = fields.flatMap { "\($0.0)=\($0.1)\n".bytes }
        if let code {
            codeLocation = "CODE_FILE=\(code.file)\nCODE_LINE=\(code.line)\nCODE_FUNC=\(code.function)\n".bytes
        } else {
            codeLocation = []
        }
        namesUnit = parts.contains { if case .unit = $0 { return true } else { return false } }
        alarming = priority <= FarmCatalog.err || ["Failed password", "Invalid user", "authentication failure", "Scheduled restart job"]
            .contains { pattern.contains($0) }
    }

    private static func parse(_ pattern: String) -> [Part] {
        var parts: [Part] = []
        var text: [UInt8] = []
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            text += rest[..<open].utf8
            let name = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            guard let expansion = placeholder(name) else { text += "{\(name)}".utf8; continue }
            if !text.isEmpty { parts.append(.text(text)); text = [] }
            parts += expansion
        }
        text += rest.utf8
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }

    private static func placeholder(_ name: Substring) -> [Part]? {
        switch name {
        case "ip": return parse("10.{n:160-163}.{n:0-255}.{n:1-254}")
        case "user": return [.user]
        case "baduser": return [.badUser]
        case "fp": return [.fingerprint]
        case "unit": return [.unit]
        case "desc": return [.unitDescription]
        case "run": return [.run]
        case "det": return [.detector]
        case "task": return [.task]
        default:
            let kind = name.prefix(2)
            let bounds = name.dropFirst(2).split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
            if kind == "n:" { return [.integer(low: bounds[0], high: bounds[1])] }
            if kind == "f:" { return [.tenths(low: bounds[0] * 10, high: bounds[1] * 10)] }
            return nil
        }
    }
}
