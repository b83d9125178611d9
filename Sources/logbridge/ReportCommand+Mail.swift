import Config
import Foundation
import Reports

/// `logbridge report --mail`: the report as one e-mail to `reports.email.to` (docs/reports.md, "Delivery by e-mail").
extension ReportCommand {
    /// What sending needs, checked before the cluster is asked anything: a missing password file or CA file is a
    /// configuration error (`file:line: reports.email.password_file: …`), not a failure after the report was read.
    struct MailDelivery {
        let settings: ReportEmailSettings
        let password: Secret?
    }

    func mailDelivery(_ cfg: LogBridgeConfig) throws -> MailDelivery {
        guard let settings = cfg.reports.email else {
            throw ValidationFailure("\(cfg.sourcePath): reports.email: --mail needs this section (url, from, to; docs/reports.md)")
        }
        do {
            try settings.caFile?.check()
            return MailDelivery(settings: settings, password: try settings.password?.read())
        } catch { throw ValidationFailure("\(error)") }
    }

    func send(_ report: Report, _ delivery: MailDelivery, attachments: [ReportMail.Attachment] = []) throws {
        let s = delivery.settings
        let message = ReportMail.message(report, from: s.from, to: s.to, attachments: attachments)
        do { try SMTPDelivery.send(message, settings: s, password: delivery.password) } catch {
            throw ValidationFailure("e-mail not sent: \(error)")
        }
        let attached = attachments.isEmpty ? "" : ", " + attachments.map(\.filename).joined(separator: ", ") + " attached"
        print("mailed \(s.to.map(\.address).joined(separator: ", ")) through \(s.url) (\(message.count) bytes\(attached))")
    }
}
