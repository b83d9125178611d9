import ArgumentParser
import Bulk
import Config
import Foundation
import Reports

/// `logbridge report [write]`: one period's report, read from the cluster of the configuration, written as JSON,
/// Markdown, HTML and/or PDF files (the PDF printed by a headless Chromium: ReportPDFOptions); the default
/// subcommand of `ReportGroup`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write a report of a period: volume, errors, silent hosts, alarms, new patterns, InfoLogger, dead letters, shipper health.",
        discussion: """
            Every figure is compared with the previous period of equal length. The report costs the cluster two \
            _msearch requests. A section the cluster could not answer is marked in the report, and the command \
            then exits with status 2 after writing it. Reference: docs/reports.md. Examples:
              logbridge report --last 8h --format html --format md --out /var/tmp/shift
              logbridge report --from 2026-12-01T06:00:00Z --to 2026-12-01T14:00:00Z --format json --out day.json
              logbridge report --shift --format html,md --out /var/lib/logbridge/reports/shift
              logbridge report --shift --mail
            """)

    @Option(name: .shortAndLong, help: "Configuration file (YAML); its `output` section names the cluster.")
    var config: String = "/etc/logbridge/logbridge.yaml"
    @Option(help: "Start of the period (RFC 3339, e.g. 2026-12-01T06:00:00Z); with --to.") var from: String?
    @Option(help: "End of the period, excluded (RFC 3339); with --from.") var to: String?
    @Option(help: "The period ending now (e.g. 30m, 8h, 7d); instead of --from/--to.") var last: String?
    @Flag(help: "The shift that ended last (the configuration's reports.shifts and reports.timezone; default 00:00, 08:00, 16:00 local time).")
    var shift = false
    @Option(name: .customLong("run"), help: "The period of data-taking run N: from its first to its last InfoLogger message (infologger.run).")
    var runNumber: Int?
    @Option(help: "json, md, html or pdf (printed by a headless Chromium); repeat or separate with commas for several.") var format: [String] = ["html"]
    @Option(help: "Where to write: a file (name ending in .json/.md/.html/.pdf, one format) or a stem the extensions are added to.")
    var out: String?
    @Option(help: "Length of the top lists (hosts, services, messages).") var top: Int = 10
    @Option(help: "OpenSearch Dashboards base URL for the links, e.g. https://dashboards.example.org") var dashboardsURL: String?
    @Option(help: "Kibana base URL for the links, e.g. https://kibana.example.org") var kibanaURL: String?
    @Flag(help: "Also send the report to the configuration's reports.webhook (Mattermost or JSON).") var post = false
    @Flag(help: "Do not store the report in the logbridge-reports index (stored by default, for `report list`).")
    var noStore = false
    @Flag(name: [.customLong("mail"), .customLong("email")],
          help: "Send the report by e-mail as the configuration's reports.email says (files only with --out; with --format pdf the PDF is attached).")
    var mail = false

    @OptionGroup var pdf: ReportPDFOptions

    enum Format: String, CaseIterable { case json, md, html, pdf }

    func validate() throws {
        try checkOut(formats())
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if [shift, runNumber != nil, last != nil, from != nil || to != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one period: --shift, --run N, --last, or both --from and --to")
        }
    }

    func formats() throws -> [Format] {
        var list: [Format] = []
        for part in format.flatMap({ $0.split(separator: ",") }) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let f = Format(rawValue: name == "markdown" ? "md" : name) else {
                throw ValidationError("--format: expected json, md, html or pdf, got \(name)")
            }
            if !list.contains(f) { list.append(f) }
        }
        if list.isEmpty { throw ValidationError("--format: at least one of json, md, html, pdf") }
        return list
    }

    /// `--from/--to` or `--last`, checked before the configuration is read; nil for `--shift` and `--run`.
    func givenPeriod(now: Double) throws -> (Double, Double)? {
        if shift || runNumber != nil { return nil }
        switch (from, to, last) {
        case (nil, nil, let last?):
            guard let span = ReportTime.span(last) else { throw ValidationError("--last: expected e.g. 30m, 8h or 7d, got \(last)") }
            return (now - span, now)
        case (let f?, let t?, nil):
            guard let a = ReportTime.parse(f) else { throw ValidationError("--from: expected an RFC 3339 time like 2026-12-01T06:00:00Z, got \(f)") }
            guard let b = ReportTime.parse(t) else { throw ValidationError("--to: expected an RFC 3339 time like 2026-12-01T14:00:00Z, got \(t)") }
            guard b > a else { throw ValidationError("--to must be after --from") }
            return (a, b)
        case (nil, nil, nil):
            throw ValidationError("give the period: --last 8h, --shift, --run N, or --from and --to")
        default:
            throw ValidationError("give either --last, or both --from and --to")
        }
    }

    /// `--run N` from the run's InfoLogger messages in the cluster, `--shift` from the configuration's shifts.
    func configuredPeriod(now: Double, reports: ReportSettings, client: ClusterClient) throws -> (Double, Double) {
        if let runNumber {
            do { return try ReportRun.period(of: runNumber, client: client) } catch let missing as ReportRun.NotFound {
                throw ValidationFailure(missing.description)
            }
        }
        let zone = reports.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone.current
        return ReportShift.lastEnded(now: now, starts: reports.shiftStarts, timeZone: zone)
    }

    /// `--out x.html` names one file, so it must match the one format asked for.
    func checkOut(_ formats: [Format]) throws {
        guard let out, let ext = Format(rawValue: (out as NSString).pathExtension.lowercased()), formats != [ext] else { return }
        throw ValidationError("--out \(out) names a .\(ext.rawValue) file, but --format asks for \(formats.map(\.rawValue).joined(separator: ",")); give a stem instead")
    }

    /// File per format: `--out x.html` is that file (one format); otherwise `--out` is a stem.
    func paths(_ formats: [Format], start: Double) -> [(Format, String)] {
        if let out, let ext = Format(rawValue: (out as NSString).pathExtension.lowercased()) { return [(ext, out)] }
        let stem = out ?? "logbridge-report-" + ReportTime.format(start).prefix(16).replacingOccurrences(of: ":", with: "")
        return formats.map { ($0, "\(stem).\($0.rawValue)") }
    }

    /// `--mail --format pdf` attaches the PDF: the file just written, or one printed for the mail alone when
    /// there is no `--out` (in a private temporary directory, removed after).
    func mailAttachments(_ report: Report, _ formats: [Format], _ files: [(Format, String)], start: Double,
                         browser: HeadlessChromium?) throws -> [ReportMail.Attachment] {
        guard formats.contains(.pdf), let browser else { return [] }
        let name = "logbridge-report-" + ReportTime.format(start).prefix(16).replacingOccurrences(of: ":", with: "") + ".pdf"
        if let written = files.first(where: { $0.0 == .pdf })?.1 {
            guard let data = FileManager.default.contents(atPath: written) else { throw ValidationFailure("cannot read \(written) to attach it") }
            return [.init(filename: (written as NSString).lastPathComponent, contentType: "application/pdf", bytes: Array(data))]
        }
        let dir = NSTemporaryDirectory() + "logbridge-report-mail-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try pdf.write(report, to: dir + "/" + name, with: browser)
        guard let data = FileManager.default.contents(atPath: dir + "/" + name) else { throw ValidationFailure("the PDF for the e-mail was not written") }
        return [.init(filename: name, contentType: "application/pdf", bytes: Array(data))]
    }

    func run() throws {
        let formats = try formats()
        let now = Date().timeIntervalSince1970
        let given = try givenPeriod(now: now)
        let browser = try pdf.browser(for: formats)
        let cfg = try loadConfig(config, purpose: .clusterOnly)
        try checkDelivery(cfg.reports)
        let mailing = try mail ? mailDelivery(cfg) : nil
        let client = ClusterClient(settings: cfg.output)
        let (start, end) = try given ?? configuredPeriod(now: now, reports: cfg.reports, client: client)
        let files = mail && out == nil ? [] : paths(formats, start: start)
        var options = ReportReader.Options(from: start, to: end)
        options.top = top
        options.opensearchDashboardsURL = dashboardsURL
        options.kibanaURL = kibanaURL
        let report = ReportReader(client: client, options: options).read()
        for (format, path) in files {
            let text: String
            switch format {
            case .json: text = try ReportJSON.render(report)
            case .md: text = ReportMarkdown.render(report)
            case .html: text = ReportHTML.render(report)
            case .pdf:
                try pdf.write(report, to: path, with: browser!)
                print("wrote \(path)")
                continue
            }
            do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw ValidationFailure("cannot write \(path): \(error.localizedDescription)")
            }
            print("wrote \(path)")
        }
        for s in report.sectionStatuses where s.status != .ok {
            FileHandle.standardError.write(Data("report: \(s.name): \(s.status.rawValue)\(s.note.map { ": " + $0 } ?? "")\n".utf8))
        }
        let delivered = deliver(report, client: client, settings: cfg.reports, files: files.map(\.1))
        if let mailing { try send(report, mailing, attachments: try mailAttachments(report, formats, files, start: start, browser: browser)) }
        if !report.unreadableSections.isEmpty { throw ExitCode(2) }
        if !delivered { throw ExitCode(1) }
    }
}
