import Foundation
import Reports
import TestSupport
import Testing

/// `logbridge report --mail` against a real SMTP server (aiosmtpd, `SMTPServer`): delivered under STARTTLS with a
/// login, and every way it can be refused — the login, a recipient, a server that wants STARTTLS, one that does
/// not offer it, none listening — each a clear message, exit status 1 and nothing stored.
@Suite(.serialized) struct ReportMailTests {
    static let password = "s3cret-Pa55"

    /// A configuration whose `reports.email` sends to `smtp`; `email` replaces or adds keys of that section.
    func config(_ dir: String, cluster: String, smtp: SMTPServer?, email: [String: String] = [:]) throws -> String {
        try (Self.password + "\n").write(toFile: dir + "/smtp-password", atomically: true, encoding: .utf8)
        var keys: [(String, String)] = [
            ("url", smtp?.url ?? "smtp://127.0.0.1:\(freePort())"),
            ("from", "\"LogBridge <logbridge@farm.example.org>\""),
            ("to", "[shift-leader@example.org, \"Run Coordinator <rc@example.org>\"]"),
            ("username", "report"),
            ("password_file", "smtp-password"),  // relative to the configuration file
            ("timeout", "10s"),
        ]
        if let cert = smtp?.certificate { keys.append(("ca_file", cert)) }
        for (k, v) in email.sorted(by: { $0.key < $1.key }) {
            if let i = keys.firstIndex(where: { $0.0 == k }) { keys[i].1 = v } else { keys.append((k, v)) }
        }
        let yaml = "output:\n  hosts: [\"\(cluster)\"]\n  compression: none\nreports:\n  email:\n"
            + keys.filter { !$0.1.isEmpty }.map { "    \($0.0): \($0.1)\n" }.joined()
        let path = dir + "/logbridge.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func deliveredUnderStartTLSWithALoginAndTheReportsFigures() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let dir = try temporaryDirectory("lb-report-mail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let smtp = try SMTPServer(in: dir)
        defer { smtp.stop() }
        let cfg = try config(dir, cluster: cluster.server.url, smtp: smtp)

        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--mail", "--no-store"])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.hasPrefix("mailed shift-leader@example.org, rc@example.org through \(smtp.url) ("), "\(run.stdout)")
        // --mail without --out writes no file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("logbridge-report") }.isEmpty)

        let mails = try smtp.received()
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.tls && mail.login == "report")
        #expect(mail.mailFrom == "logbridge@farm.example.org")
        #expect(mail.recipients == ["shift-leader@example.org", "rc@example.org"])
        #expect(mail.defects.isEmpty, "\(mail.defects)")

        // The figures are the report's: the same report read by the library, its generation time aside.
        var expected = cluster.report()
        let errors = try #require(expected.errors.data?.total), documents = try #require(expected.volume.data?.total)
        #expect(mail.headers["Subject"] == "LogBridge report 2026-12-01 08:00-16:00 UTC: \(errors.count) errors and criticals "
                + "(previous \(errors.previous)), \(documents.count) documents, 1 alarm active")
        #expect(mail.headers["From"] == "LogBridge <logbridge@farm.example.org>")
        #expect(mail.headers["To"] == "shift-leader@example.org, Run Coordinator <rc@example.org>")
        #expect(mail.headers["Auto-Submitted"] == "auto-generated")
        #expect(mail.headers["Message-ID"]?.hasSuffix("@farm.example.org>") == true)
        #expect(mail.headers["content-type-only"] == "multipart/alternative")
        let date = try #require(mail.headers["date-parsed"])
        let sent = try #require(ReportTime.parse(date))
        #expect(abs(sent - Date().timeIntervalSince1970) < 120)

        try #require(mail.parts.map { $0.type } == ["text/plain", "text/html"])
        let markdown = mail.parts[0].text
        let generated = try #require(markdown.firstRange(of: "Generated ").map { markdown[$0.upperBound...].prefix(24) })
        expected.period.generatedAt = String(generated)
        #expect(markdown == ReportMarkdown.render(expected))
        #expect(mail.parts[1].text == ReportHTML.render(expected))
        #expect(markdown.contains("**\(documents.count) documents**") && markdown.contains("**\(errors.count) errors and criticals**"))

        // SMTP's line rules: CRLF everywhere, no line over 998 characters.
        let text = String(decoding: mail.raw, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
    }

    /// `--mail --format pdf` without `--out`: the PDF Chromium printed goes with the mail as an attachment, and no
    /// file is left behind; with `--out` the file written is the one attached.
    @Test func thePDFIsAttachedToTheMail() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let dir = try temporaryDirectory("lb-report-mail-pdf")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let smtp = try SMTPServer(in: dir)
        defer { smtp.stop() }
        let cfg = try config(dir, cluster: cluster.server.url, smtp: smtp)
        let tmpBefore = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("logbridge-report-mail-") }

        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--mail", "--format", "pdf", "--no-store"])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("logbridge-report-2026-12-01T0800.pdf attached)"), "\(run.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("logbridge-report") }.isEmpty)
        let tmpAfter = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory()).filter { $0.hasPrefix("logbridge-report-mail-") }
        #expect(tmpAfter == tmpBefore, "the PDF printed for the mail is removed")

        let mails = try smtp.received()
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.defects.isEmpty, "\(mail.defects)")
        #expect(mail.headers["content-type-only"] == "multipart/mixed")
        try #require(mail.parts.map(\.type) == ["text/plain", "text/html", "application/pdf"], "\(mail.parts.map(\.type))")
        let pdf = mail.parts[2].text.split(separator: " ")
        #expect(pdf.first == "logbridge-report-2026-12-01T0800.pdf")
        #expect(Int(pdf[1]) ?? 0 > 10_000 && pdf.last == "%PDF-", "\(mail.parts[2].text)")

        // With --out, the file written is the one attached, byte for byte.
        let out = dir + "/shift"
        let again = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--mail", "--format", "pdf",
                                      "--out", out, "--no-store"])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        let written = try Data(contentsOf: URL(fileURLWithPath: out + ".pdf"))
        let second = try smtp.received()
        try #require(second.count == 2)
        #expect(second[1].parts.last?.text == "shift.pdf \(written.count) %PDF-")
    }

    /// `smtps://`: TLS from the first byte, the login inside it.
    @Test func deliveredOverSMTPS() throws {
        let dir = try temporaryDirectory("lb-report-mail-smtps")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let smtp = try SMTPServer(in: dir, implicitTLS: true)
        defer { smtp.stop() }
        let run = try runLogbridge(["report", "--last", "1h", "--mail", "--config",
                                    try config(dir, cluster: "http://127.0.0.1:\(freePort())", smtp: smtp)])
        #expect(run.status == 2, "\(run.stderr)")   // mailed; the cluster (down here) is what makes it 2
        #expect(run.stdout.hasPrefix("mailed shift-leader@example.org, rc@example.org through smtps://127.0.0.1:"), "\(run.stdout)")
        let mails = try smtp.received()
        #expect(mails.count == 1 && mails.first?.tls == true && mails.first?.login == "report")
    }

    /// The cluster is down for these, so the report is read at once (every section unreadable) and only the mail matters.
    @Test func refusalsAreClearAndLeaveNothingDelivered() throws {
        let dir = try temporaryDirectory("lb-report-mail-refused")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let smtp = try SMTPServer(in: dir)
        defer { smtp.stop() }
        let down = "http://127.0.0.1:\(freePort())"
        let args = ["report", "--last", "8h", "--mail", "--config"]

        // A wrong password: the server's reply, named with the server and the user; the password nowhere.
        try "wrong-Pa55\n".write(toFile: dir + "/wrong", atomically: true, encoding: .utf8)
        let cfg = try config(dir, cluster: down, smtp: smtp, email: ["password_file": "wrong"])
        let login = try runLogbridge(args + [cfg])
        #expect(login.status == 1, "\(login.stderr)")
        #expect(login.stderr.contains("e-mail not sent: \(smtp.url) refused the login of user \"report\": "
                                      + "replied \"535 5.7.8 Authentication credentials invalid\""), "\(login.stderr)")
        #expect(!login.output.contains("wrong-Pa55") && !login.output.contains(Self.password))
        #expect(!login.stdout.contains("mailed"))

        // One refused recipient: nobody gets the mail, not even the accepted one.
        let rcpt = try runLogbridge(args + [try config(dir, cluster: down, smtp: smtp,
                                                        email: ["to": "[ok@example.org, nobody@refused.example.org]"])])
        #expect(rcpt.status == 1)
        #expect(rcpt.stderr.contains("e-mail not sent: \(smtp.url) refused RCPT TO:<nobody@refused.example.org>: "
                                     + "550 5.1.1 <nobody@refused.example.org>: no such mailbox here"), "\(rcpt.stderr)")

        // Nothing listening.
        let closed = "smtp://127.0.0.1:\(freePort())"
        let unreachable = try runLogbridge(args + [try config(dir, cluster: down, smtp: smtp, email: ["url": closed])])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("e-mail not sent: cannot reach \(closed): Couldn't connect to server"), "\(unreachable.stderr)")

        // A CA that did not sign the server's certificate.
        let other = try SMTPServer(in: dir + "/other")
        other.stop()
        let tls = try runLogbridge(args + [try config(dir, cluster: down, smtp: smtp, email: ["ca_file": other.certificate!])])
        #expect(tls.status == 1)
        #expect(tls.stderr.contains("e-mail not sent: TLS with \(smtp.url) failed: "), "\(tls.stderr)")

        #expect(try smtp.received().isEmpty)

        // With the right password the report goes out even though the cluster did not answer: it says so in its
        // subject, and the command still exits 2 as it does for files.
        let incomplete = try runLogbridge(args + [try config(dir, cluster: down, smtp: smtp)])
        #expect(incomplete.status == 2, "\(incomplete.stderr)")
        let mails = try smtp.received()
        try #require(mails.count == 1)
        #expect(mails[0].headers["Subject"]?.contains("(incomplete: volume, errors, hosts, alarms, new_patterns, infologger, dead_letters, shipper not read)") == true,
                "\(mails[0].headers)")
    }

    @Test func startTLSRequiredOnOneSideAndNotTheOtherIsRefused() throws {
        let dir = try temporaryDirectory("lb-report-mail-starttls")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let down = "http://127.0.0.1:\(freePort())"

        // The server insists on STARTTLS; the configuration says none (and so has no login).
        let strict = try SMTPServer(in: dir + "/strict", login: nil)
        defer { strict.stop() }
        let plain = try runLogbridge(["report", "--last", "1h", "--mail", "--config", try config(
            dir, cluster: down, smtp: strict, email: ["starttls": "none", "username": "", "password_file": "", "ca_file": ""])])
        #expect(plain.status == 1)
        #expect(plain.stderr.contains("e-mail not sent: \(strict.url) refused MAIL FROM:<logbridge@farm.example.org>: "
                                      + "530 Must issue a STARTTLS command first"), "\(plain.stderr)")
        #expect(try strict.received().isEmpty)

        // The configuration requires STARTTLS (the default); the server does not offer it.
        let clear = try SMTPServer(in: dir + "/clear", tls: false, requireStartTLS: false, login: nil)
        defer { clear.stop() }
        let required = try runLogbridge(["report", "--last", "1h", "--mail", "--config", try config(
            dir, cluster: down, smtp: clear, email: ["username": "", "password_file": ""])])
        #expect(required.status == 1)
        #expect(required.stderr.contains("e-mail not sent: \(clear.url) does not offer STARTTLS, and reports.email.starttls is required"),
                "\(required.stderr)")
        #expect(try clear.received().isEmpty)
    }

    /// The password file is read by `--mail` only (the shipper shares the file and never has the password), and a
    /// missing one is a configuration error with file, line and key, before the cluster is asked anything.
    @Test func aMissingPasswordFileIsAConfigurationErrorForMailOnly() throws {
        let dir = try temporaryDirectory("lb-report-mail-config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, cluster: "http://127.0.0.1:\(freePort())", smtp: nil, email: ["password_file": "/nonexistent/smtp-password"])
        let run = try runLogbridge(["report", "--last", "1h", "--mail", "--config", cfg])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(cfg):10: reports.email.password_file: cannot read secret file /nonexistent/smtp-password: "
                                    + "No such file or directory"), "\(run.stderr)")
        #expect(!run.stderr.contains("report: volume"))   // failed before reading the report

        let files = try runLogbridge(["report", "--last", "1h", "--format", "md", "--out", dir + "/r", "--config", cfg])
        #expect(files.status == 2 && files.stdout == "wrote \(dir)/r.md\n", "\(files.stderr)")

        try "output:\n  hosts: [\"http://127.0.0.1:9\"]\n".write(toFile: cfg, atomically: true, encoding: .utf8)
        let none = try runLogbridge(["report", "--last", "1h", "--mail", "--config", cfg])
        #expect(none.status == 1 && none.stderr.contains("\(cfg): reports.email: --mail needs this section"), "\(none.stderr)")
    }

    /// The shift unit's hardening lets the mail out: `report --mail` under `logbridge-report.service`'s system-call
    /// filter, address families and `MemoryDenyWriteExecute=` (Tests/Seccomp/run-under-unit-filter.py) resolves,
    /// connects, does STARTTLS and logs in. A call outside the filter would kill it with SIGSYS (status 159).
    @Test func mailsUnderTheReportUnitsSystemCallFilter() throws {
        guard try runCommand("/usr/bin/python3", ["-c", "import seccomp"]).status == 0 else { throw TestError("python3-seccomp missing (`make deps`)") }
        let dir = try temporaryDirectory("lb-report-mail-unit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let smtp = try SMTPServer(in: dir)
        defer { smtp.stop() }
        let cfg = try config(dir, cluster: "http://localhost:\(freePort())", smtp: smtp)
        let run = try runCommand("/usr/bin/python3", [
            TestPaths.packageRoot + "/Tests/Seccomp/run-under-unit-filter.py", TestPaths.packageRoot + "/deploy/systemd/logbridge-report.service",
            try TestPaths.logbridgeBinary(), "report", "--config", cfg, "--last", "8h", "--mail"])
        #expect(run.status == 2, "\(run.stderr)")   // mailed; the cluster (down here) is what makes it 2
        let mails = try smtp.received()
        #expect(mails.count == 1 && mails.first?.tls == true && mails.first?.login == "report")
    }
}
