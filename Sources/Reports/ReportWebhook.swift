import Bulk
import Config
import Foundation

/// `report --post`: one POST of the report to the configured webhook (`reports.webhook`), through the
/// cluster client's libcurl transfers (the alarm webhooks do the same) rather than a second HTTP client.
///
/// Mattermost: `{"text": <the Markdown report>, "username": …}`. Mattermost refuses a post over 16,383
/// characters (its `PostMessageMaxRunesV2`, counted in Unicode scalars), and a farm-wide report of 200 hosts
/// is 30-60 kB of Markdown, so the text is cut at the last whole line that fits and ends with a line saying
/// how much was shown and where the full report is (the files written, the stored report's id, the
/// configured `link`). JSON: the report's JSON, every figure, as `--format json` writes it.
public enum ReportWebhook {
    public static let mattermostLimit = 16_383

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The request body for `settings.format`; `pointers` say where the full report is.
    public static func body(_ report: Report, settings: ReportWebhookSettings, pointers: [String]) throws -> [UInt8] {
        switch settings.format {
        case .json:
            return Array(try ReportJSON.render(report).utf8)
        case .mattermost:
            let text = mattermostText(ReportMarkdown.render(report), pointers: pointers + (settings.link.map { [$0] } ?? []))
            let data = try JSONSerialization.data(withJSONObject: ["text": text, "username": settings.username],
                                                  options: [.sortedKeys, .withoutEscapingSlashes])
            return Array(data)
        }
    }

    /// The Markdown as it fits one Mattermost post: whole when it fits, else cut after the last whole line
    /// that leaves room for the closing note.
    public static func mattermostText(_ markdown: String, pointers: [String], limit: Int = mattermostLimit) -> String {
        let total = markdown.unicodeScalars.count
        guard total > limit else { return markdown }
        let whereFull = pointers.isEmpty ? "write it to a file with --format md --out, or see `logbridge report list`"
                                         : pointers.joined(separator: "; ")
        func note(_ shown: Int) -> String {
            "\n\n---\n*Cut to fit one Mattermost post: \(shown) of \(total) characters shown. The full report: \(whereFull).*\n"
        }
        // The note's own length depends on the count it prints; the total's digits bound it.
        let budget = limit - note(total).unicodeScalars.count
        guard budget > 0 else { return String(String.UnicodeScalarView(markdown.unicodeScalars.prefix(limit))) }
        let head = markdown.unicodeScalars.prefix(budget)
        var cut = head.endIndex
        if let newline = head.lastIndex(of: "\n") { cut = newline }
        let kept = String(String.UnicodeScalarView(markdown.unicodeScalars[..<cut]))
        return kept + note(kept.unicodeScalars.count)
    }

    /// POSTs the body; a non-2xx answer or no answer throws `Failure` with the status and the start of the body.
    /// Returns the HTTP status.
    @discardableResult
    public static func post(_ report: Report, settings: ReportWebhookSettings, pointers: [String],
                            timeoutSeconds: Double = 10) throws -> Int {
        let body = try body(report, settings: settings, pointers: pointers)
        let (base, path) = split(settings.url.value)
        var output = OutputSettings()
        output.hosts = [base]
        output.compression = .none
        output.requestTimeoutSeconds = timeoutSeconds
        output.connectTimeoutSeconds = min(5, timeoutSeconds)
        let client = ClusterClient(settings: output)
        let headers = settings.token.map { ["Authorization: Bearer \($0.value)"] } ?? []
        // The URL is not named in messages: a Mattermost hook URL is its credential. Its host is enough.
        let response: HTTPResponse
        do {
            response = try client.request("POST", path, body: body, contentType: "application/json", headers: headers)
        } catch {
            throw Failure(description: "webhook \(base): no answer: \(error)")
        }
        guard response.isSuccess else {
            let start = String(decoding: response.body.prefix(200), as: UTF8.self)
            throw Failure(description: "webhook \(base) refused the report: HTTP \(response.status): \(start)")
        }
        return response.status
    }

    /// `https://h:p/a/b?c` → (`https://h:p`, `/a/b?c`).
    static func split(_ url: String) -> (base: String, path: String) {
        guard let schemeEnd = url.range(of: "://"),
              let slash = url[schemeEnd.upperBound...].firstIndex(of: "/") else { return (url, "/") }
        return (String(url[..<slash]), String(url[slash...]))
    }
}
