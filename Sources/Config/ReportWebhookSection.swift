/// Reads `reports.webhook`: where `logbridge report --post` sends a report (docs/reports.md).
///
/// A Mattermost incoming-webhook URL is itself the credential (anyone holding it can post to the channel), so
/// it may come from a file or the environment like every other secret (`url_file`, `url_env`); a receiver
/// that wants a bearer token gets it from `token_file` or `token_env`, never from the configuration itself.
enum ReportWebhookSection {
    static let keys = ["url", "url_file", "url_env", "format", "token_file", "token_env", "username", "link"]

    static let forbidden = [
        "token": "a token must not be written in the configuration; put it in a file readable only by logbridge and "
            + "set token_file, or set token_env to the name of an environment variable holding it",
    ]

    static func read(_ reports: ConfigMapping) throws(ConfigError) -> ReportWebhookSettings? {
        guard reports["webhook"] != nil else { return nil }
        let section = try reports.section("webhook", keys: keys, forbidden: forbidden)
        let given = ["url", "url_file", "url_env"].compactMap { section[$0] }
        if given.count > 1 { throw given[1].error("set one of url, url_file and url_env") }
        let url: String
        if let plain = section["url"] {
            url = try plain.nonEmptyString()
        } else if let secret = try AuthSection.secret(section, fileKey: "url_file", envKey: "url_env") {
            url = secret.value
        } else {
            throw section.value.child("url", section.value.node).error(
                "missing required key (the webhook's URL, e.g. https://mattermost.example.org/hooks/xxx; or url_file/url_env)")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > "https://".count else {
            let at = section["url"] ?? section["url_file"] ?? section["url_env"]!
            // The value is printed only when it was written in the configuration: from a file it may be a secret.
            throw at.error("expected an http:// or https:// URL" + (section["url"] != nil ? ", got \"\(url)\"" : ""))
        }
        var settings = ReportWebhookSettings(url: Secret(url))
        if let v = section["format"] { settings.format = try v.choice(ReportWebhookSettings.Format.self) }
        settings.token = try AuthSection.secret(section, fileKey: "token_file", envKey: "token_env")
        if let v = section["username"] { settings.username = try v.nonEmptyString() }
        if let v = section["link"] { settings.link = try v.nonEmptyString() }
        return settings
    }
}

/// `reports.webhook`: one receiver of `report --post`.
public struct ReportWebhookSettings: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable, CaseIterable {
        /// `{"text": <the Markdown report>, "username": …}`: a Mattermost (or Slack-compatible) incoming webhook.
        case mattermost
        /// The report's JSON, every figure (as `--format json` writes it).
        case json
    }

    /// Kept as a secret: a Mattermost hook URL is the hook's credential.
    public var url: Secret
    public var format: Format = .mattermost
    /// Sent as `Authorization: Bearer <token>` when set.
    public var token: Secret?
    /// The name the Mattermost post shows (the hook must allow overriding it).
    public var username = "LogBridge"
    /// Where readers find the full report (e.g. the web directory the HTML files are published in); named at
    /// the end of a Mattermost message that had to be cut.
    public var link: String?

    public init(url: Secret) { self.url = url }
}
