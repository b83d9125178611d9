/// `reports.email:` — where `logbridge report --mail` sends the report (docs/reports.md, "Delivery by e-mail").
///
/// The password and the CA file are named here but read only when a mail is sent: the same `logbridge.yaml`
/// serves `ship` on nodes that have neither (systemd hands the password to the report unit alone, with
/// `LoadCredential=`), and a file the shipper never uses must not stop it. Their errors still point at the
/// file, line and key that named them.
public struct ReportEmailSettings: Sendable, Equatable {
    public enum StartTLS: String, Sendable, Equatable, CaseIterable {
        /// `STARTTLS` before anything else, or no mail (libcurl's `CURLUSESSL_ALL`).
        case required
        /// Clear text from start to end: only for a relay on the same host or network, and never with a login.
        case none
    }

    /// `smtp://host[:port]` (default port 25) or `smtps://host[:port]` (TLS from the first byte, default 465).
    public var url: String
    public var from: MailAddress
    public var to: [MailAddress]
    /// `.required` for `smtp://` unless set to `none`; `.none` for `smtps://`, which is TLS already.
    public var startTLS: StartTLS
    public var username: String?
    /// Set exactly when `username` is.
    public var password: SecretReference?
    /// PEM bundle to check the server's certificate with; nil: the system's.
    public var caFile: FileReference?
    /// For the whole exchange, connecting included.
    public var timeoutSeconds: Double = 30

    public init(url: String, from: MailAddress, to: [MailAddress], startTLS: StartTLS) {
        self.url = url; self.from = from; self.to = to; self.startTLS = startTLS
    }

    /// True for `smtps://`: TLS from the first byte.
    public var implicitTLS: Bool { url.lowercased().hasPrefix("smtps://") }
}

/// An address as `user@example.org`, optionally with a display name (`LogBridge <user@example.org>`).
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public var name: String?
    public var address: String
    public init(name: String? = nil, address: String) { self.name = name; self.address = address }
    public var description: String { name.map { "\($0) <\(address)>" } ?? address }
}

/// A secret named by the configuration and read when it is needed; its errors name where it was set.
public struct SecretReference: Sendable, Equatable {
    enum Origin: Sendable, Equatable {
        case file(String)
        /// The value as it was in the environment at load (nil: not set).
        case environment(name: String, value: Secret?)
    }

    let origin: Origin
    /// `file:line: key` of the setting (message empty), for the errors of `read()`.
    let place: ConfigError

    /// What a reader is told about the source, never the value: `file /run/…/smtp-password` or `environment variable X`.
    public var sourceDescription: String {
        switch origin {
        case .file(let path): return "file \(path)"
        case .environment(let name, _): return "environment variable \(name)"
        }
    }

    public func read() throws(ConfigError) -> Secret {
        var error = place
        switch origin {
        case .file(let path):
            let text: String
            do { text = try FileText.contents(of: path) } catch {
                var e = place
                e.message = "cannot read secret file \(path): \(error.reason)"
                throw e
            }
            let value = AuthSection.trimmingTrailingNewlines(text)
            if value.isEmpty { error.message = "secret file \(path) is empty"; throw error }
            return Secret(value)
        case .environment(let name, let value):
            guard let value else {
                error.message = "environment variable \(name) is not set"
                throw error
            }
            if value.value.isEmpty { error.message = "environment variable \(name) is empty"; throw error }
            return value
        }
    }
}

/// A file named by the configuration that is opened only when it is needed (e.g. a CA bundle).
public struct FileReference: Sendable, Equatable {
    public let path: String
    let place: ConfigError

    /// Fails with `file:line: key: cannot read PATH: reason` when the file cannot be read now.
    public func check() throws(ConfigError) {
        guard let problem = FileText.readabilityProblem(path) else { return }
        var error = place
        error.message = "cannot read \(path): \(problem)"
        throw error
    }
}
