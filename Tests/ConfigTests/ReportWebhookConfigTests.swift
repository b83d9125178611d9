import Testing
@testable import Config

@Suite("reports.webhook")
struct ReportWebhookConfigTests {
    @Test("url, format, token and link are read; absent, no webhook")
    func present() throws {
        #expect(try parse(minimalInputs).reports.webhook == nil)
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let token = try dir.write("token", "s3cret\n")
        let config = try parse("""
            reports:
              webhook: {url: "https://mm.example.org/hooks/abc", format: json, token_file: \(token), username: Farm, link: "https://web/reports/"}
            """ + "\n" + minimalInputs)
        let hook = try #require(config.reports.webhook)
        #expect(hook.url.value == "https://mm.example.org/hooks/abc")
        #expect(hook.format == .json)
        #expect(hook.token?.value == "s3cret")
        #expect(hook.username == "Farm")
        #expect(hook.link == "https://web/reports/")
        // The hook URL is its credential: it may come from the environment, and is never printed.
        let fromEnv = try parse("reports:\n  webhook: {url_env: MM_HOOK}\n" + minimalInputs, environment: ["MM_HOOK": "https://mm/hooks/x"])
        #expect(fromEnv.reports.webhook?.url.value == "https://mm/hooks/x")
        #expect(fromEnv.reports.webhook?.format == .mattermost)
        #expect(!"\(fromEnv.reports.webhook!)".contains("hooks/x"))
    }

    @Test("mistakes name the file, line and key", arguments: [
        ("reports:\n  webhook: {format: json}\n", 2, "reports.webhook.url", "missing required key"),
        ("reports:\n  webhook:\n    url: ftp://x/y\n", 3, "reports.webhook.url", "http:// or https://"),
        ("reports:\n  webhook:\n    url: https://x/y\n    format: slack\n", 4, "reports.webhook.format", "mattermost"),
        ("reports:\n  webhook:\n    url: https://x/y\n    token: abc\n", 4, "reports.webhook.token", "token_file"),
        ("reports:\n  webhook:\n    url: https://x/y\n    url_env: HOOK\n", 4, "reports.webhook.url_env", "one of url, url_file and url_env"),
        ("reports:\n  webhook:\n    url: https://x/y\n    token_env: NOPE\n", 4, "reports.webhook.token_env", "NOPE is not set"),
        ("reports:\n  webhook:\n    urll: https://x/y\n", 3, "reports.webhook.urll", "url"),
    ])
    func errors(yaml: String, line: Int, key: String, fragment: String) {
        let error = configError(yaml + minimalInputs)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.keyPath == key, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
    }
}
