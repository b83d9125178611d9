import Config
import Foundation

/// The report as one e-mail (RFC 5322 and MIME): a subject naming the period and its headline figures, and a
/// `multipart/alternative` body whose plain part is the Markdown and whose rich part is the HTML, so a mail
/// reader without HTML (or a shifter's phone in plain-text mode) shows the same figures. Both parts are
/// base64 in lines of 76: the HTML's lines run to thousands of characters and SMTP allows 998, and base64 is
/// the one transfer encoding with nothing to get wrong at line ends. Lines end in CRLF, as SMTP requires.
/// With attachments (the PDF of `--mail --format pdf`) the message is `multipart/mixed`: that alternative
/// first, then each file, so a reader shows the report inline and offers the PDF to save or print.
public enum ReportMail {
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var bytes: [UInt8]
        public init(filename: String, contentType: String, bytes: [UInt8]) {
            self.filename = filename; self.contentType = contentType; self.bytes = bytes
        }
    }

    /// `LogBridge report 2026-12-01 08:00-16:00 UTC: 27 errors and criticals (previous 5), 320 documents, 1 alarm active`.
    public static func subject(_ r: Report) -> String {
        var figures: [String] = []
        if let e = r.errors.data {
            figures.append("\(e.total.count) errors and criticals (previous \(e.total.previous))")
        } else if r.errors.status == .empty || r.errors.status == .missingIndex {
            figures.append("0 errors and criticals")
        }
        if let v = r.volume.data { figures.append("\(v.total.count) documents") }
        if let a = r.alarms.data {
            let active = a.rules.reduce(0) { $0 + $1.activeAtEnd }
            if active > 0 { figures.append("\(active) alarm\(active == 1 ? "" : "s") active") }
        }
        var s = "LogBridge report \(period(r.period.from, r.period.to))"
        if !figures.isEmpty { s += ": " + figures.joined(separator: ", ") }
        let unread = r.unreadableSections
        if !unread.isEmpty { s += " (incomplete: \(unread.joined(separator: ", ")) not read)" }
        return s
    }

    /// `2026-12-01 08:00-16:00 UTC` within one UTC day, `2026-11-30 22:00 - 2026-12-01 06:00 UTC` across two.
    static func period(_ from: String, _ to: String) -> String {
        guard let a = ReportTime.parse(from), let b = ReportTime.parse(to) else { return "\(from) - \(to)" }
        let f = ReportTime.format(a), t = ReportTime.format(b)
        let (fDay, fTime) = (f.prefix(10), f.dropFirst(11).prefix(5))
        let (tDay, tTime) = (t.prefix(10), t.dropFirst(11).prefix(5))
        // 00:00 the next day is the end of this one: "2026-12-01 16:00-24:00".
        if tTime == "00:00", let start = ReportTime.parse(String(fDay) + "T00:00:00Z"), b - start == 86_400 {
            return "\(fDay) \(fTime)-24:00 UTC"
        }
        return fDay == tDay ? "\(fDay) \(fTime)-\(tTime) UTC" : "\(fDay) \(fTime) - \(tDay) \(tTime) UTC"
    }

    /// The whole message, headers and body, ready for the SMTP `DATA` phase.
    public static func message(_ r: Report, from: MailAddress, to: [MailAddress], date: Date = Date(),
                               messageID: String? = nil, attachments: [Attachment] = []) -> [UInt8] {
        func newBoundary() -> String { "=_logbridge_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
        let boundary = newBoundary()
        let mixed = attachments.isEmpty ? nil : newBoundary()
        let domain = from.address.split(separator: "@").last.map(String.init) ?? "logbridge.invalid"
        let head: [(String, String)] = [
            ("Date", rfc5322Date(date)),
            ("From", header(from)),
            ("To", to.map(header).joined(separator: ",\r\n ")),
            ("Subject", encodedWords(subject(r))),
            ("Message-ID", messageID ?? "<\(UUID().uuidString.lowercased())@\(domain)>"),
            // RFC 3834: a machine wrote it; vacation responders and ticket systems do not answer it.
            ("Auto-Submitted", "auto-generated"),
            ("MIME-Version", "1.0"),
            ("Content-Type", mixed.map { "multipart/mixed; boundary=\"\($0)\"" } ?? "multipart/alternative; boundary=\"\(boundary)\""),
            // For mail filters and for tooling that files the reports: the period, machine-readable.
            ("X-LogBridge-Period", "\(r.period.from) \(r.period.to)"),
        ]
        var out = head.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
        out += "This is a MIME message: the report as text and as HTML.\r\n"
        if let mixed {
            out += "\r\n--\(mixed)\r\nContent-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n"
        }
        for (type, text) in [("text/plain", ReportMarkdown.render(r)), ("text/html", ReportHTML.render(r))] {
            out += part(boundary, ["Content-Type: \(type); charset=utf-8"], Data(text.utf8))
        }
        out += "\r\n--\(boundary)--\r\n"
        if let mixed {
            for a in attachments {
                // The names are ours (`logbridge-report-<period>.pdf`): plain ASCII, nothing to encode.
                out += part(mixed, ["Content-Type: \(a.contentType); name=\"\(a.filename)\"",
                                    "Content-Disposition: attachment; filename=\"\(a.filename)\""], Data(a.bytes))
            }
            out += "\r\n--\(mixed)--\r\n"
        }
        return Array(out.utf8)
    }

    /// One body part after its boundary line: the headers, then the content in base64 lines of 76.
    static func part(_ boundary: String, _ headers: [String], _ content: Data) -> String {
        "\r\n--\(boundary)\r\n" + headers.map { $0 + "\r\n" }.joined() + "Content-Transfer-Encoding: base64\r\n\r\n"
            + content.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
    }

    /// `Name <a@b>` with the name quoted (or RFC 2047-encoded when not ASCII), or the bare address.
    static func header(_ a: MailAddress) -> String {
        guard let name = a.name else { return a.address }
        let shown = name.allSatisfy({ $0.isASCII }) ? "\"\(name.replacingOccurrences(of: "\\", with: "\\\\"))\"" : encodedWords(name)
        return "\(shown) <\(a.address)>"
    }

    /// RFC 2047 `=?utf-8?B?…?=` words for text that is not plain ASCII, each at most 75 characters and never
    /// splitting a character, folded onto continuation lines; ASCII text is returned as it is.
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for ch in text {
            let bytes = Array(String(ch).utf8)
            // 45 bytes of base64 are 60 characters, plus the 12 of `=?utf-8?B?` and `?=`.
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `Wed, 02 Dec 2026 19:42:31 +0000` (RFC 5322 section 3.3), always in UTC.
    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }
}
