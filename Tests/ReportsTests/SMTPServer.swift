import Foundation
import TestSupport

/// A real SMTP server for one test: aiosmtpd from the project's `.venv`, run by `Tests/SMTP/smtp-server.py` on
/// 127.0.0.1 and a free port, with STARTTLS on a certificate made for the test with openssl, and one accepted login.
/// What it accepted is read back from its directory, parsed by Python's own `email` package.
final class SMTPServer {
    let port: Int
    let directory: String
    /// The self-signed certificate, for the client's `ca_file` (nil without TLS).
    let certificate: String?
    private let process: Process

    let implicitTLS: Bool
    var url: String { "\(implicitTLS ? "smtps" : "smtp")://127.0.0.1:\(port)" }

    /// The project's `.venv` (where `make deps` installs aiosmtpd), or the one beside `OSMEM_SERVER`.
    static func python() throws -> String {
        var candidates = [TestPaths.packageRoot + "/.venv/bin/python3"]
        if let osmem = ProcessInfo.processInfo.environment["OSMEM_SERVER"], !osmem.isEmpty {
            candidates.append((osmem as NSString).deletingLastPathComponent + "/python3")
        }
        for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
            if try runCommand(python, ["-c", "import aiosmtpd"]).status == 0 { return python }
        }
        throw TestError("aiosmtpd not found in \(candidates) (`make deps` installs it into .venv)")
    }

    /// - Parameters:
    ///   - tls: offer STARTTLS (a self-signed certificate for 127.0.0.1 made in `directory`).
    ///   - requireStartTLS: refuse everything but EHLO, STARTTLS and QUIT before TLS.
    ///   - login: `user:password` to accept; nil: no login asked.
    ///   - implicitTLS: SMTPS, TLS from the first byte, instead of STARTTLS.
    init(in dir: String, tls: Bool = true, requireStartTLS: Bool = true, login: String? = "report:s3cret-Pa55",
         implicitTLS: Bool = false) throws {
        self.implicitTLS = implicitTLS
        directory = dir + "/received"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var args = [TestPaths.packageRoot + "/Tests/SMTP/smtp-server.py", directory]
        if tls {
            let cert = dir + "/smtp-cert.pem", key = dir + "/smtp-key.pem"
            let made = try runCommand("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
            guard made.status == 0 else { throw TestError("openssl: \(made.stderr)") }
            args += ["--cert", cert, "--key", key]
            certificate = cert
        } else {
            certificate = nil
        }
        if implicitTLS { args.append("--implicit-tls") } else if requireStartTLS { args.append("--require-starttls") }
        if let login { args += ["--login", login] }

        process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.python())
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(out.fileHandleForReading.fileDescriptor, &byte, 1) == 1, byte != 0x0A { line.append(byte) }
        guard let json = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let p = json["port"] as? Int else {
            process.terminate()
            throw TestError("smtp-server.py did not print its port: \(String(decoding: line, as: UTF8.self))")
        }
        port = p
    }

    /// SIGKILL: nothing to save, and no signal mask inherited from the test's thread can stop it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// One accepted message: the bytes as received, the envelope, and what Python's `email` parser made of it.
    struct Received {
        var raw: [UInt8]
        var mailFrom: String
        var recipients: [String]
        var tls: Bool
        var login: String?
        var headers: [String: String]
        /// `[content type, decoded text]` of each leaf part, in order; an attachment's text is
        /// `<filename> <byte count> <first 5 bytes>`.
        var parts: [(type: String, text: String)]
        var defects: [String]
    }

    /// Every message accepted so far, in order.
    func received() throws -> [Received] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".eml") }
            .sorted { Int($0.dropLast(4))! < Int($1.dropLast(4))! }
        return try names.map { name in
            let eml = directory + "/" + name
            let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: String(eml.dropLast(4)) + ".json"))) as! [String: Any]
            let parsed = try runCommand("/usr/bin/python3", ["-c", Self.parser, eml])
            guard parsed.status == 0, let json = try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any] else {
                throw TestError("cannot parse \(eml): \(parsed.stderr)")
            }
            return Received(
                raw: Array(try Data(contentsOf: URL(fileURLWithPath: eml))), mailFrom: meta["mail_from"] as! String,
                recipients: meta["rcpt_tos"] as! [String], tls: meta["tls"] as! Bool, login: meta["login"] as? String,
                headers: json["headers"] as! [String: String],
                parts: (json["parts"] as! [[String]]).map { ($0[0], $0[1]) }, defects: json["defects"] as! [String])
        }
    }

    /// Python's standard `email` package, a parser that is not ours, reads the message back.
    static let parser = """
        import email, email.policy, email.utils, json, sys
        m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
        headers = {k: str(v) for k, v in m.items()}
        headers['date-parsed'] = email.utils.parsedate_to_datetime(m['date']).isoformat()
        headers['content-type-only'] = m.get_content_type()
        def text(p):
            c = p.get_content()
            return c if isinstance(c, str) else f"{p.get_filename()} {len(c)} {c[:5].decode('latin-1')}"
        leaves = [p for p in m.walk() if not p.is_multipart()]
        parts = [[p.get_content_type(), text(p)] for p in leaves]
        defects = [repr(d) for p in m.walk() for d in p.defects]
        print(json.dumps({'headers': headers, 'parts': parts, 'defects': defects}))
        """
}
