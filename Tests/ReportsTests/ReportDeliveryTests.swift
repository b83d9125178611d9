import Bulk
import Config
import Foundation
import JSON
import Reports
import Setup
import TestSupport
import Testing

/// `report --post` against a real HTTP listener standing in for Mattermost, and the `logbridge-reports` index
/// (`--no-store`, `report list`, `report show`) on a real osmem engine.
@Suite(.serialized) struct ReportDeliveryTests {
    func config(_ dir: String, url: String, webhook: String? = nil) throws -> String {
        let path = dir + "/logbridge.yaml"
        var text = "output:\n  hosts: [\"\(url)\"]\n  compression: none\n"
        if let webhook { text += "reports:\n  webhook: \(webhook)\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func count(_ cluster: ReportCluster) throws -> Int {
        let r = try cluster.client.request("GET", "/\(ReportStore.index)/_count")
        return try JSONValue(parsing: r.body)["count"]?.intValue ?? -1
    }

    /// The Mattermost body is the Markdown file's text, and its headline figures are the JSON's.
    @Test func postsTheMarkdownToMattermostWithTheJSONsFigures() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let hook = try HTTPReceiver()
        defer { hook.stop() }
        let dir = try temporaryDirectory("lb-report-post")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: cluster.server.url, webhook: "{url: \"\(hook.url)/hooks/abc123\", format: mattermost}")

        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "json,md",
                                    "--out", dir + "/shift", "--post"])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout.contains("posted to the mattermost webhook (HTTP 200)\n"), "\(run.stdout)")
        let received = hook.requests
        #expect(received.count == 1)
        let request = try #require(received.first)
        #expect(request.method == "POST" && request.path == "/hooks/abc123")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["authorization"] == nil)
        let body = try #require(request.json)
        #expect(body["username"] as? String == "LogBridge")
        let text = try #require(body["text"] as? String)
        #expect(text == (try String(contentsOfFile: dir + "/shift.md", encoding: .utf8)))
        let report = try ReportJSON.parse(String(contentsOfFile: dir + "/shift.json", encoding: .utf8))
        let volume = try #require(report.volume.data), errors = try #require(report.errors.data)
        #expect(volume.total.count == Farm.documents.filter { $0.time >= Farm.from && $0.time < Farm.to }.count)
        #expect(text.contains("**\(volume.total.count) documents** (previous \(volume.total.previous),"))
        #expect(text.contains("**\(errors.total.count) errors and criticals** (previous \(errors.total.previous),"))
        for host in volume.hosts { #expect(text.contains("| \(host.key) | \(host.count) | \(host.previous) |"), "\(host.key)") }
    }

    /// `format: json` sends the report's JSON, with the bearer token from its file.
    @Test func postsTheJSONWithTheToken() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let hook = try HTTPReceiver()
        defer { hook.stop() }
        let dir = try temporaryDirectory("lb-report-post-json")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "t0ken\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        let cfg = try config(dir, url: cluster.server.url, webhook: "{url: \"\(hook.url)/reports\", format: json, token_file: token}")
        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "json",
                                    "--out", dir + "/r.json", "--post", "--no-store"])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(!run.stdout.contains("stored"))
        let request = try #require(hook.requests.first)
        #expect(request.headers["authorization"] == "Bearer t0ken")
        let posted = try ReportJSON.parse(String(decoding: request.body, as: UTF8.self))
        #expect(posted == (try ReportJSON.parse(String(contentsOfFile: dir + "/r.json", encoding: .utf8))))
        #expect(posted.volume.data?.total.count == Farm.documents.filter { $0.time >= Farm.from && $0.time < Farm.to }.count)
        #expect(!run.stderr.contains("t0ken"))
    }

    /// A receiver that refuses: the status and the start of its answer, exit 1, the files and the stored report kept.
    @Test(arguments: [(500, #"{"message":"hook disabled"}"#), (403, "Forbidden: invalid webhook")])
    func aRefusedPostIsAnErrorNamingTheStatus(status: Int, answer: String) throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        let hook = try HTTPReceiver()
        defer { hook.stop() }
        hook.answer(with: status, body: answer)
        let dir = try temporaryDirectory("lb-report-refused")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: cluster.server.url, webhook: "{url: \"\(hook.url)/hooks/secretpart\"}")
        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "md",
                                    "--out", dir + "/r.md", "--post"])
        #expect(run.status == 1, "\(run.stdout) \(run.stderr)")
        #expect(run.stderr.contains("report: not posted: webhook \(hook.url) refused the report: HTTP \(status): \(answer)"), "\(run.stderr)")
        #expect(!run.stderr.contains("secretpart"))
        #expect(FileManager.default.fileExists(atPath: dir + "/r.md"))
        #expect(run.stdout.contains("stored logbridge-reports/from-to_20261201T080000000Z_20261201T160000000Z"))
        #expect(hook.requests.count == 1)
        // --post without a webhook in the configuration is refused before anything is read.
        let none = try runLogbridge(["report", "--config", try config(dir, url: cluster.server.url), "--last", "1h", "--post"])
        #expect(none.status != 0 && none.stderr.contains("no reports.webhook"), "\(none.stderr)")
    }

    /// A report longer than a Mattermost post is cut after a whole line, with a note saying where the rest is.
    @Test func aLongReportIsCutToOneMattermostPost() {
        let line = "| flp\u{e9}001 | 12 | 10 | +2 (+20.0%) | [OpenSearch Dashboards](https://osd.example.org/app/x) |\n"
        let markdown = "# LogBridge report\n\n" + String(repeating: line, count: 600)
        let text = ReportWebhook.mattermostText(markdown, pointers: ["`logbridge report show last_x --format html`"])
        #expect(text.unicodeScalars.count <= ReportWebhook.mattermostLimit)
        #expect(text.unicodeScalars.count > ReportWebhook.mattermostLimit - line.count - 300)
        let note = "\n\n---\n*Cut to fit one Mattermost post: "
        let cut = try! #require(text.range(of: note))
        let kept = String(text[..<cut.lowerBound])
        #expect(markdown.hasPrefix(kept + "\n"))
        #expect(text.contains("of \(markdown.unicodeScalars.count) characters shown. The full report: `logbridge report show last_x --format html`.*"))
        #expect(text.contains("\(kept.unicodeScalars.count) of "))
        // Short enough: unchanged.
        #expect(ReportWebhook.mattermostText("# short\n", pointers: []) == "# short\n")
    }

    /// Every run stores one document; the same period and kind again replaces it; `report list` shows them newest
    /// first and `report show` renders the stored one as it was written.
    @Test func storesListsAndShowsReports() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let dir = try temporaryDirectory("lb-report-store")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: cluster.server.url)
        let id = "from-to_20261201T080000000Z_20261201T160000000Z"

        let first = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "json", "--out", dir + "/a"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "wrote \(dir)/a.json\nstored logbridge-reports/\(id)\n")
        let again = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "json", "--out", dir + "/b"])
        #expect(again.status == 0 && again.stdout.hasSuffix("stored logbridge-reports/\(id)\n"))
        #expect(try count(cluster) == 1)
        let run = try runLogbridge(["report", "--config", cfg, "--run", "551234", "--format", "md", "--out", dir + "/run"])
        #expect(run.stdout.hasSuffix("stored logbridge-reports/run_551234\n"), "\(run.stdout) \(run.stderr)")
        let recent = try runLogbridge(["report", "--config", cfg, "--last", "1h", "--format", "md", "--out", dir + "/recent"])
        #expect(recent.status == 0 && recent.stdout.contains("stored logbridge-reports/last_"))
        let skipped = try runLogbridge(["report", "--config", cfg, "--last", "2h", "--format", "md", "--out", dir + "/c", "--no-store"])
        #expect(skipped.status == 0 && skipped.stdout == "wrote \(dir)/c.md\n")
        #expect(try count(cluster) == 3)

        // The stored document: the figures indexed, the whole report kept.
        let doc = try JSONValue(parsing: try cluster.client.request("GET", "/\(ReportStore.index)/_doc/\(id)").body)
        let expected = try ReportJSON.parse(String(contentsOfFile: dir + "/b.json", encoding: .utf8))
        #expect(doc[path: "_source.report.kind"]?.stringValue == "from-to")
        #expect(doc[path: "_source.report.figures.documents"]?.intValue == expected.volume.data?.total.count)
        #expect(doc[path: "_source.report.figures.errors"]?.intValue == expected.errors.data?.total.count)
        #expect(doc[path: "_source.report.figures.alarms_raised"]?.intValue == 2)
        #expect(doc[path: "_source.report.figures.new_patterns"]?.intValue == 1)
        #expect(doc[path: "_source.report.silent_hosts"] == .array([.string("flp002"), .string("flp006")]))
        #expect(doc[path: "_source.report.sections.alarms"]?.stringValue == "ok")

        let list = try runLogbridge(["report", "list", "--config", cfg])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == 4, "\(list.stdout)")
        #expect(rows[0].hasPrefix("period") && rows[0].contains("kind") && rows[0].contains("new patterns"))
        #expect(rows[1].contains("  last  "), "\(list.stdout)")
        let farm = try #require(rows.first { $0.hasSuffix(id) })
        #expect(farm.hasPrefix("2026-12-01 08:00 → 2026-12-01 16:00  from-to"), "\(farm)")
        let cells = farm.split(separator: " ").map(String.init)
        #expect(cells.suffix(4) == ["\(expected.errors.data!.total.count)", "2", "1", id], "\(cells)")
        #expect(rows[3].hasSuffix("run_551234"), "\(list.stdout)")
        let lastHours = try runLogbridge(["report", "list", "--config", cfg, "--last", "3h", "--limit", "5"])
        #expect(lastHours.stdout.split(separator: "\n").count == 2, "\(lastHours.stdout)")

        let show = try runLogbridge(["report", "show", id, "--config", cfg, "--format", "json"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(try ReportJSON.parse(show.stdout) == expected)
        let md = try runLogbridge(["report", "show", id, "--config", cfg])
        #expect(md.stdout == ReportMarkdown.render(expected))
        let missing = try runLogbridge(["report", "show", "shift_19700101T000000000Z_19700101T080000000Z", "--config", cfg])
        #expect(missing.status != 0 && missing.stderr.contains("no stored report shift_19700101"), "\(missing.stderr)")
    }

    /// Without `logbridge setup` the command creates the index itself, with the mapping setup would install.
    @Test func theIndexMappingIsTheShippedOne() throws {
        let shipped = try MappingSet.load(from: TestPaths.packageRoot + "/Mappings")
        let component = try #require(shipped.component(named: "logbridge-reports"))
        #expect(component.body[path: "template.mappings"] == (try JSONValue(parsing: ReportStore.mapping)))
        let template = try #require(shipped.indexTemplates.first { $0.name == "logbridge-reports" })
        #expect(template.body["index_patterns"] == .array([.string(ReportStore.index)]))

        let server = try OsmemServer()
        defer { server.stop() }
        var output = OutputSettings()
        output.hosts = [server.url]
        let client = ClusterClient(settings: output)
        let report = ReportReader(client: client, options: .init(from: ReportTime.parse(Farm.from)!, to: ReportTime.parse(Farm.to)!)).read()
        let id = try ReportStore(client: client).store(report, kind: .shift)
        #expect(id == "shift_20261201T080000000Z_20261201T160000000Z")
        let mapping = try JSONValue(parsing: try client.request("GET", "/\(ReportStore.index)/_mapping").body)
        #expect(mapping[path: "logbridge-reports.mappings.properties.report.properties.body.enabled"] == .bool(false))
        let stored = try ReportStore(client: client).fetch(id)
        #expect(stored == report)
        #expect(try ReportStore(client: client).list(since: nil, limit: 10).map(\.id) == [id])
    }
}
