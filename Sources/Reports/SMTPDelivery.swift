import Bulk
import CCurl
import Config
import Foundation

/// Sends one finished message through libcurl's SMTP: `smtps://`, or `smtp://` with `STARTTLS` required before
/// anything else (`CURLUSESSL_ALL`), a login when `reports.email.username` is set, every recipient in one
/// envelope. libcurl stops at the first refusal — the login, `MAIL FROM`, any `RCPT TO` — before `DATA`, so a
/// refused mail reaches nobody, not some of the recipients. A failure names the server and the reply it gave
/// (code and text, from the replies libcurl passes to the debug callback); the password is never part of a
/// message: only the command verbs the client sent are remembered, not an `AUTH` exchange's content.
public enum SMTPDelivery {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public enum Kind: Sendable, Equatable { case login, refused, unreachable, tls, other }
        public let kind: Kind
        public let description: String
    }

    public static func send(_ message: [UInt8], settings: ReportEmailSettings, password: Secret?) throws(Failure) {
        let transfer = SMTPTransfer(message: message)
        let code = transfer.perform(settings: settings, password: password)
        guard code != CURLE_OK else { return }
        throw transfer.failure(code, settings: settings)
    }
}

/// One libcurl easy handle sending one message, and what the server answered.
private final class SMTPTransfer {
    let handle: UnsafeMutableRawPointer
    private let message: [UInt8]
    private var offset = 0
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var recipients: UnsafeMutablePointer<curl_slist>? = nil
    /// Reply lines as they arrive; a reply is complete at the line whose fourth character is a space.
    private var replyLines: [String] = []
    /// The last reply that refused something (4xx/5xx): the QUIT libcurl sends after a failure is answered with
    /// a 221 that must not hide the refusal.
    private(set) var lastRefusal: (reply: String, command: String?)?
    /// The last command sent, as far as it is safe to repeat: `RCPT TO:<x@y>`, `AUTH PLAIN` (never its data).
    private var lastCommand: String?
    private var partial = ""

    init(message: [UInt8]) {
        handle = CurlEasy.makeHandle()
        self.message = message
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        // The QUIT of the cleanup must not call back into an object being deinitialised.
        setLong(CURLOPT_VERBOSE, 0)
        _ = lb_easy_setopt_ptr(handle, CURLOPT_DEBUGDATA, nil)
        curl_easy_cleanup(handle)  // sends QUIT on a connection still open
        if let recipients { curl_slist_free_all(recipients) }
        errorBuffer.deallocate()
    }

    func perform(settings: ReportEmailSettings, password: Secret?) -> CURLcode {
        setString(CURLOPT_URL, settings.url)
        setLong(CURLOPT_NOSIGNAL, 1)
        setLong(CURLOPT_TIMEOUT_MS, Int(settings.timeoutSeconds * 1000))
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Int(settings.timeoutSeconds * 1000))
        _ = lb_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        if !settings.implicitTLS {
            setLong(CURLOPT_USE_SSL, Int(settings.startTLS == .required ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
        }
        if let ca = settings.caFile { setString(CURLOPT_CAINFO, ca.path) }
        if let user = settings.username, let password {
            setString(CURLOPT_USERNAME, user)
            setString(CURLOPT_PASSWORD, password.value)
        }
        setString(CURLOPT_MAIL_FROM, "<\(settings.from.address)>")
        for to in settings.to { recipients = curl_slist_append(recipients, "<\(to.address)>") }
        _ = lb_easy_setopt_ptr(handle, CURLOPT_MAIL_RCPT, recipients)

        let me = Unmanaged.passUnretained(self).toOpaque()
        setLong(CURLOPT_UPLOAD, 1)
        _ = lb_easy_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        _ = lb_easy_setopt_read(handle, smtpRead)
        _ = lb_easy_setopt_ptr(handle, CURLOPT_READDATA, me)
        // The debug callback is the only way to the server's reply texts; with it set, libcurl prints nothing itself.
        setLong(CURLOPT_VERBOSE, 1)
        _ = lb_easy_setopt_debug(handle, smtpDebug)
        _ = lb_easy_setopt_ptr(handle, CURLOPT_DEBUGDATA, me)
        return curl_easy_perform(handle)
    }

    func failure(_ code: CURLcode, settings: ReportEmailSettings) -> SMTPDelivery.Failure {
        let server = settings.url
        let detail = String(cString: errorBuffer)
        let curlText = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : "\(String(cString: curl_easy_strerror(code))): \(detail)"
        let reply = lastRefusal.map { "replied \"\($0.reply)\"" }
        switch code {
        case CURLE_LOGIN_DENIED:
            return .init(kind: .login, description: "\(server) refused the login of user \"\(settings.username ?? "")\": \(reply ?? curlText)")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT:
            return .init(kind: .unreachable, description: "cannot reach \(server): \(curlText)")
        case CURLE_USE_SSL_FAILED:
            return .init(kind: .tls, description: "\(server) does not offer STARTTLS, and reports.email.starttls is required: \(reply ?? curlText)")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .init(kind: .tls, description: "TLS with \(server) failed: \(curlText) (reports.email.ca_file names the CA of the server's certificate)")
        default:
            if let refusal = lastRefusal {
                let what = refusal.command.map { "refused \($0)" } ?? "refused the mail"
                return .init(kind: .refused, description: "\(server) \(what): \(refusal.reply)")
            }
            return .init(kind: .other, description: "sending to \(server) failed: \(curlText)")
        }
    }

    fileprivate func read(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let n = min(capacity, message.count - offset)
        guard n > 0 else { return 0 }
        message.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }

    fileprivate func received(_ text: String) {
        partial += text
        // `\r\n` is one Character to Swift: look for either form of the line end.
        while let nl = partial.firstIndex(where: { $0 == "\r\n" || $0 == "\n" }) {
            let line = String(partial[..<nl]).trimmingCharacters(in: .init(charactersIn: "\r"))
            partial = String(partial[partial.index(after: nl)...])
            replyLines.append(line)
            let chars = Array(line)
            guard chars.count < 4 || chars[3] != "-" else { continue }  // `250-SIZE`: more lines follow
            let reply = replyLines.map { String($0.dropFirst(4)) }.filter { !$0.isEmpty }
            let text = (String(line.prefix(3)) + " " + reply.joined(separator: " ")).trimmingCharacters(in: .whitespaces)
            replyLines = []
            if let first = line.first, first == "4" || first == "5" { lastRefusal = (text, lastCommand) }
        }
    }

    /// Remembers the verb of each command, and the address of `MAIL FROM`/`RCPT TO`; nothing else of what was
    /// sent (the lines after `AUTH` carry the credentials).
    fileprivate func sent(_ text: String) {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let upper = line.uppercased()
        if upper.hasPrefix("MAIL FROM:") || upper.hasPrefix("RCPT TO:") {
            // `MAIL FROM:<a@b> SIZE=1234`: up to the address's end.
            let end = line.firstIndex(of: ">").map { line.index(after: $0) } ?? line.endIndex
            lastCommand = String(line[..<end])
        } else if upper.hasPrefix("AUTH ") {
            lastCommand = "AUTH " + (line.split(separator: " ").dropFirst().first.map(String.init) ?? "")
        } else if upper == "DATA" {
            lastCommand = "the message"
        } else if let verb = ["EHLO", "HELO", "STARTTLS", "QUIT"].first(where: { upper.hasPrefix($0) }) {
            lastCommand = verb
        }
        // Anything else (the base64 lines of an AUTH LOGIN exchange) is not kept.
    }

    private func setString(_ option: CURLoption, _ value: String) { CurlEasy.set(handle, option, value) }
    private func setLong(_ option: CURLoption, _ value: Int) { CurlEasy.set(handle, option, value) }
}

private func smtpRead(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let context else { return 0 }
    return Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().read(into: UnsafeMutableRawPointer(buffer), capacity: size * count)
}

private func smtpDebug(_ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?,
                       _ size: Int, _ context: UnsafeMutableRawPointer?) -> Int32 {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue()
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    switch type {
    case CURLINFO_HEADER_IN: transfer.received(text)
    case CURLINFO_HEADER_OUT: transfer.sent(text)
    default: break  // CURLINFO_DATA_OUT is the message itself; TEXT and SSL data are not needed
    }
    return 0
}
