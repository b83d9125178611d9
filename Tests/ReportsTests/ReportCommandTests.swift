import Foundation
import Reports
import TestSupport
import Testing

/// `logbridge report` as an operator runs it: the built binary, a configuration file, files written.
@Suite(.serialized) struct ReportCommandTests {
    func config(_ dir: String, url: String) throws -> String {
        let path = dir + "/logbridge.yaml"
        try "output:\n  hosts: [\"\(url)\"]\n  compression: none\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func writesEveryFormatWithTheLibrarysFigures() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let dir = try temporaryDirectory("lb-report")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: cluster.server.url)

        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "json,md",
                                 "--format", "html", "--out", dir + "/shift", "--dashboards-url", "https://osd.example.org"])
        #expect(run.status == 0, "\(run.stdout) \(run.stderr)")
        #expect(run.stdout == "wrote \(dir)/shift.json\nwrote \(dir)/shift.md\nwrote \(dir)/shift.html\n"
                + "stored logbridge-reports/from-to_20261201T080000000Z_20261201T160000000Z\n")
        var fromFile = try ReportJSON.parse(String(contentsOfFile: dir + "/shift.json", encoding: .utf8))
        let expected = cluster.report(osd: "https://osd.example.org")
        fromFile.period.generatedAt = expected.period.generatedAt
        #expect(fromFile == expected)
        let md = try String(contentsOfFile: dir + "/shift.md", encoding: .utf8)
        #expect(md.hasPrefix("# LogBridge report 2026-12-01T08:00:00.000Z → 2026-12-01T16:00:00.000Z"))
        #expect(md.contains("[OpenSearch Dashboards](https://osd.example.org/app/dashboards#/view/"))
        let html = try String(contentsOfFile: dir + "/shift.html", encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))

        // A single file named by its extension.
        let one = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "md", "--out", dir + "/night.md"])
        #expect(one.status == 0 && one.stdout.hasPrefix("wrote \(dir)/night.md\nstored "))
        // --last reads the period ending now: the farm is in 2026-12-01, so an hour ago nothing was logged.
        let last = try runLogbridge(["report", "--config", cfg, "--last", "1h", "--format", "json", "--out", dir + "/last"])
        #expect(last.status == 0, "\(last.stderr)")
        let recent = try ReportJSON.parse(String(contentsOfFile: dir + "/last.json", encoding: .utf8))
        #expect(recent.volume.status == .empty)
        #expect(last.stderr.contains("report: volume: empty: "))
        let length = ReportTime.parse(recent.period.to)! - ReportTime.parse(recent.period.from)!
        #expect(abs(length - 3600) < 0.01)
    }

    @Test func aDownClusterIsReportedAndExitsTwo() throws {
        let dir = try temporaryDirectory("lb-report-down")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: "http://127.0.0.1:\(freePort())")
        let run = try runLogbridge(["report", "--config", cfg, "--last", "8h", "--format", "md", "--out", dir + "/r"])
        #expect(run.status == 2)
        #expect(run.stdout == "wrote \(dir)/r.md\n")
        #expect(run.stderr.contains("report: alarms: unreadable: alarms could not be read: the cluster did not answer"))
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack"))
        let md = try String(contentsOfFile: dir + "/r.md", encoding: .utf8)
        #expect(md.contains("**Could not be read:**"))
    }

    /// `--run N` is the run's span in the InfoLogger messages: run 551234's four errors and one fatal, 09:00:30 to
    /// 09:15:30; an unknown run is an error that says so, not an empty report.
    @Test func runFindsItsPeriodFromInfoLogger() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let dir = try temporaryDirectory("lb-report-run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: cluster.server.url)
        let run = try runLogbridge(["report", "--config", cfg, "--run", "551234", "--format", "json", "--out", dir + "/run"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try ReportJSON.parse(String(contentsOfFile: dir + "/run.json", encoding: .utf8))
        #expect(report.period.from == "2026-12-01T09:00:30.000Z")
        #expect(report.period.to == "2026-12-01T09:15:30.001Z")
        // The run's own messages are in it: four errors and the fatal.
        let severities = Dictionary(uniqueKeysWithValues: (report.infologger.data?.severities ?? []).map { ($0.key, $0.count) })
        #expect(severities == ["E": 4, "F": 1], "\(severities)")
        let unknown = try runLogbridge(["report", "--config", cfg, "--run", "1", "--format", "json", "--out", dir + "/none"])
        #expect(unknown.status != 0 && unknown.stderr.contains("run 1: no InfoLogger message"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.json"))
    }

    /// `--shift` takes its boundaries from the configuration: one start a day at 00:00 UTC is yesterday's report.
    @Test func shiftReadsItsBoundariesFromTheConfiguration() throws {
        let dir = try temporaryDirectory("lb-report-shift")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: "http://127.0.0.1:\(freePort())")
        try (String(contentsOfFile: cfg, encoding: .utf8) + "reports: {shifts: [\"00:00\"], timezone: UTC}\n")
            .write(toFile: cfg, atomically: true, encoding: .utf8)
        let run = try runLogbridge(["report", "--config", cfg, "--shift", "--format", "json", "--out", dir + "/s"])
        #expect(run.status == 2, "\(run.stderr)")   // the cluster is down; the report is written all the same
        let report = try ReportJSON.parse(String(contentsOfFile: dir + "/s.json", encoding: .utf8))
        let midnight = (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        #expect(report.period.from == ReportTime.format(midnight - 86_400))
        #expect(report.period.to == ReportTime.format(midnight))
        // A zone the machine does not know is a configuration error naming the key.
        try "output:\n  hosts: [\"http://127.0.0.1:9\"]\nreports:\n  timezone: Mars/Olympus\n".write(toFile: cfg, atomically: true, encoding: .utf8)
        let bad = try runLogbridge(["report", "--config", cfg, "--shift", "--format", "json", "--out", dir + "/s"])
        #expect(bad.status != 0 && bad.stderr.contains("reports.timezone"), "\(bad.stderr)")
    }

    @Test func wrongPeriodsAndFormatsAreRefusedWithAMessage() throws {
        let cases: [([String], String)] = [
            (["--from", "2026-12-01T08:00:00Z"], "give either --last, or both --from and --to"),
            (["--from", "yesterday", "--to", "2026-12-01T08:00:00Z"], "--from: expected an RFC 3339 time"),
            (["--from", "2026-12-01T08:00:00Z", "--to", "2026-12-01T07:00:00Z"], "--to must be after --from"),
            (["--last", "8x"], "--last: expected e.g. 30m, 8h or 7d"),
            (["--last", "8h", "--format", "xls"], "--format: expected json, md, html or pdf, got xls"),
            (["--last", "8h", "--format", "pdf", "--pdf-timeout", "0"], "--pdf-timeout must be more than 0 seconds"),
            (["--last", "8h", "--format", "json,md", "--out", "x.md"], "names a .md file"),
            ([], "give the period"),
            (["--shift", "--last", "8h"], "give one period: --shift, --run N, --last, or both --from and --to"),
            (["--run", "551234", "--from", "2026-12-01T08:00:00Z", "--to", "2026-12-01T09:00:00Z"], "give one period"),
        ]
        for (args, message) in cases {
            let run = try runLogbridge(["report", "--config", "/nonexistent/logbridge.yaml"] + args)
            #expect(run.status == 64, "\(args): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(args): \(run.stderr)")
        }
    }
}
