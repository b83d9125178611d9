import Bulk
import Config
import Foundation
import Reports
import TestSupport
import Testing

/// The report's figures against the data loaded into a real engine: each JSON figure is compared with a count
/// made by filtering `Farm.documents` directly, and a few are spelled out by hand.
@Suite(.serialized) struct ReportFiguresTests {
    let from = ReportTime.parse(Farm.from)!, to = ReportTime.parse(Farm.to)!
    var previousFrom: Double { from - (to - from) }
    var current: [LogDoc] { Farm.documents.filter { $0.seconds >= from && $0.seconds < to } }
    var previous: [LogDoc] { Farm.documents.filter { $0.seconds >= previousFrom && $0.seconds < from } }

    func tally(_ docs: [LogDoc], _ key: (LogDoc) -> String?) -> [String: Int] {
        var out: [String: Int] = [:]
        for d in docs { if let k = key(d) { out[k, default: 0] += 1 } }
        return out
    }

    /// (key, count, previous), most first then by key: the order the report promises.
    func expected(_ key: (LogDoc) -> String?, _ filter: (LogDoc) -> Bool = { _ in true }) -> [[String]] {
        let c = tally(current.filter(filter), key), p = tally(previous.filter(filter), key)
        let keys: [String] = Set(c.keys).union(p.keys).sorted()
        var triples: [(key: String, count: Int, previous: Int)] = []
        for k in keys { triples.append((k, c[k] ?? 0, p[k] ?? 0)) }
        triples.sort { a, b in a.count != b.count ? a.count > b.count : a.key < b.key }
        return triples.map { t in [t.key, String(t.count), String(t.previous)] }
    }

    func rows(_ items: [Item]) -> [[String]] { items.map { [$0.key, String($0.count), String($0.previous)] } }

    static func service(_ d: LogDoc) -> (String, String)? {
        if let u = d.unit { return ("systemd.unit", u) }
        if let p = d.process { return ("process.name", p) }
        if let a = d.app { return ("log.syslog.appname", a) }
        return nil
    }

    @Test func everyFigureMatchesTheLoadedData() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let report = cluster.report(osd: "https://osd.example.org/", kibana: "https://kibana.example.org")
        #expect(report.requests == 2)
        #expect(report.unreadableSections.isEmpty)

        // Volume.
        let v = try #require(report.volume.data)
        #expect(report.volume.status == .ok)
        #expect(v.total.count == current.count && v.total.previous == previous.count)
        #expect(v.total.count == 320 && v.total.previous == 156)
        #expect(rows(v.datasets) == expected { $0.dataset })
        #expect(rows(v.hosts) == expected { $0.host })
        #expect(v.datasets.map(\.key) == ["system.journal", "system.syslog", "infologger"])
        #expect(report.period.bucketSeconds == 600 && report.period.buckets.count == 48)
        #expect(report.period.buckets.first == "2026-12-01T08:00:00.000Z" && report.period.previousFrom == "2026-12-01T00:00:00.000Z")
        for series in v.overTime {
            var perBucket = Array(repeating: 0, count: 48)
            for d in current where d.dataset == series.key { perBucket[Int((d.seconds - from) / 600)] += 1 }
            #expect(series.counts == perBucket, "\(series.key)")
        }
        #expect(v.overTime.map(\.key) == ["infologger", "system.journal", "system.syslog"])

        // Errors: emerg, alert, crit, err in every dataset.
        let e = try #require(report.errors.data)
        #expect(e.total.count == current.filter(\.isError).count && e.total.previous == previous.filter(\.isError).count)
        #expect(e.total.count == 27 && e.total.previous == 5)
        #expect(rows(e.levels) == expected({ $0.level }, \.isError))
        #expect(rows(e.topHosts) == expected({ $0.host }, \.isError).filter { $0[1] != "0" })
        #expect(e.topHosts.map(\.key) == ["flp001", "epn010", "flp003"])
        let services = expected({ Self.service($0).map { "\($0.0)=\($0.1)" } }, \.isError).filter { $0[1] != "0" }
        #expect(e.topServices.map { ["\($0.field)=\($0.item.key)", String($0.item.count), String($0.item.previous)] } == services)
        #expect(e.topServices.first?.item.key == "readout.service" && e.topServices.first?.item.count == 16)
        #expect(rows(e.topMessages.map(\.item)) == expected({ $0.pattern }, \.isError).filter { $0[1] != "0" })
        #expect(e.topMessages.map(\.template) == ["readout: error <*> on link <*>", "sshd: fatal <*>", "kernel: oops <*>"])
        let heatHosts = Set(current.filter(\.isError).map(\.host))
        #expect(Set(e.perHostOverTime.map(\.key)) == heatHosts)
        for row in e.perHostOverTime {
            var perBucket = Array(repeating: 0, count: 48)
            for d in current where d.isError && d.host == row.key { perBucket[Int((d.seconds - from) / 600)] += 1 }
            #expect(row.counts == perBucket, "\(row.key)")
        }

        // Hosts: flp002 stopped at 09:00; flp003 appeared in the last quarter.
        let h = try #require(report.hosts.data)
        #expect(report.period.tailFrom == "2026-12-01T14:00:00.000Z")
        #expect(h.silent.map(\.host) == ["flp002", "flp006"])
        #expect(h.silent.last?.lastSeen == "2026-12-01T13:00:00.000Z")
        #expect(h.silent.first?.previous == 10 && h.silent.first?.count == 5 && h.silent.first?.lastSeen == "2026-12-01T08:45:00.000Z")
        #expect(h.cameBack.map(\.host) == ["flp003"])
        let farmRate = Double(e.total.count) / Double(v.total.count)
        let outliers = tally(current, { $0.host }).compactMap { host, docs -> String? in
            let errors = current.filter { $0.host == host && $0.isError }.count
            return errors >= 10 && Double(errors) / Double(docs) >= 3 * farmRate ? host : nil
        }
        #expect(h.errorRate.map(\.host) == outliers.sorted())
        #expect(h.errorRate.map(\.host) == ["flp001"])
        let flp001 = try #require(h.errorRate.first)
        #expect(flp001.errors == 21 && flp001.documents == 67 && flp001.documents == current.filter { $0.host == "flp001" }.count)
        #expect(flp001.ratio == ((21.0 / 67) / (27.0 / 320) * 100).rounded() / 100)

        // Alarms: durations, re-notifications, time to clear.
        let a = try #require(report.alarms.data)
        #expect(a.episodes.count == 3)
        let burst = try #require(a.episodes.first { $0.key == "flp001" })
        #expect(burst.raisedInPeriod && burst.clearedInPeriod && !burst.activeAtEnd)
        #expect(burst.durationSeconds == 4500 && burst.timeToClearSeconds == 4500 && burst.renotifications == 1)
        let active = try #require(a.episodes.first { $0.key == "epn010" })
        #expect(active.activeAtEnd && active.clearedAt == nil && active.durationSeconds == 3600 && active.timeToClearSeconds == nil)
        let silent = try #require(a.episodes.first { $0.rule == "host-silent" })
        #expect(silent.key == "flp002" && !silent.raisedInPeriod && silent.clearedInPeriod && silent.timeToClearSeconds == 37800)
        #expect(a.rules.map { [$0.rule, "\($0.raised)", "\($0.cleared)", "\($0.activeAtEnd)", "\($0.renotifications)"] }
                == [["error-burst-per-host", "2", "1", "1", "1"], ["host-silent", "0", "1", "0", "0"]])

        // New patterns: sshd's is new to the farm; the kernel one was known on another host.
        let n = try #require(report.newPatterns.data)
        #expect(n.map(\.id) == [Farm.sshd])
        #expect(n.first?.firstSeen == "2026-12-01T11:00:00.000Z" && n.first?.hosts == 2)
        #expect(n.first?.count == current.filter { $0.pattern == Farm.sshd }.count)

        // InfoLogger.
        let il = try #require(report.infologger.data)
        #expect(rows(il.severities) == expected({ $0.ilSeverity }))
        #expect(il.detectors.map { [$0.item.key, String($0.item.count), String($0.item.previous)] } == expected({ $0.ilDetector }))
        #expect(il.detectors.first { $0.item.key == "TPC" }?.severities == ["E": 4, "F": 1])

        // Dead letters.
        let dl = try #require(report.deadLetters.data)
        #expect(dl.total.count == 3 && dl.total.previous == 1)
        #expect(rows(dl.inputs) == [["syslog-tcp", "2", "0"], ["journal", "1", "1"]])
        #expect(rows(dl.errorTypes) == [["mapper_parsing_exception", "2", "1"], ["illegal_argument_exception", "1", "0"]])

        // Links: both formats, exact time range and filter.
        let link = try #require(v.hosts.first { $0.key == "flp002" }?.link)
        #expect(link.dashboard == "logbridge-host-drilldown" && link.query == #"host.name:"flp002""#)
        #expect(link.opensearchDashboards == "https://osd.example.org/app/dashboards#/view/logbridge-host-drilldown?_g=(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:'2026-12-01T08:00:00.000Z',to:'2026-12-01T16:00:00.000Z'))&_a=(query:(language:kuery,query:'host.name:%22flp002%22'))")
        #expect(link.kibana?.hasPrefix("https://kibana.example.org/app/dashboards#/view/logbridge-host-drilldown?_g=") == true)

        // The JSON round-trips to the same value.
        #expect(try ReportJSON.parse(ReportJSON.render(report)) == report)
    }

    @Test func markdownAndHTMLShowTheJSONFigures() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let report = cluster.report()
        let md = ReportMarkdown.render(report), html = ReportHTML.render(report)
        // docs/reports.md's sample and screenshot source: LOGBRIDGE_REPORT_SAMPLE=/tmp/sample writes both files.
        if let stem = ProcessInfo.processInfo.environment["LOGBRIDGE_REPORT_SAMPLE"] {
            try md.write(toFile: stem + ".md", atomically: true, encoding: .utf8)
            try html.write(toFile: stem + ".html", atomically: true, encoding: .utf8)
        }
        let v = try #require(report.volume.data), e = try #require(report.errors.data)
        let il = try #require(report.infologger.data), a = try #require(report.alarms.data)
        for item in v.datasets + v.hosts + e.levels + e.topHosts + il.severities + [v.total, e.total] {
            let change = item.change == 0 ? "0" : (item.change > 0 ? "+" : "") + "\(item.change)"
            #expect(md.contains("| \(item.count) | \(item.previous) | \(change)") || md.contains("**\(item.count) "), "\(item.key)")
            #expect(html.contains("<td class=\"n\">\(item.count)</td><td class=\"n\">\(item.previous)</td>")
                    || html.contains("<b>\(item.count) "), "\(item.key)")
        }
        for item in v.datasets + v.hosts + e.levels + e.topHosts {
            #expect(md.contains("| \(item.key) | \(item.count) | \(item.previous) | "), "\(item.key)")
            #expect(html.contains("<tr><td>\(item.key)</td><td class=\"n\">\(item.count)</td><td class=\"n\">\(item.previous)</td>"), "\(item.key)")
        }
        for s in e.topServices { #expect(md.contains("| \(s.item.key) | \(s.field) | \(s.item.count) | \(s.item.previous) |")) }
        for m in e.topMessages { #expect(md.contains("| `\(m.item.key)` | \(m.template!) | \(m.item.count) | \(m.item.previous) |")) }
        for r in a.rules {
            #expect(md.contains("| \(r.rule) | \(r.raised) | \(r.cleared) | \(r.activeAtEnd) | \(r.renotifications) |"))
            #expect(html.contains("<tr><td>\(r.rule)</td><td class=\"n\">\(r.raised)</td><td class=\"n\">\(r.cleared)</td><td class=\"n\">\(r.activeAtEnd)</td>"))
        }
        #expect(md.contains("| error-burst-per-host | flp001 | error | 2026-12-01T09:00:00.000Z | 2026-12-01T10:15:00.000Z | 1h 15m | 1h 15m | 1 |"))
        #expect(md.contains("| flp002 | 10 | 5 | 2026-12-01T08:45:00.000Z |") && html.contains("<tr><td>flp002</td><td class=\"n\">10</td><td class=\"n\">5</td>"))

        // Self-contained, no JavaScript, and the charts have one mark per figure.
        for banned in ["<script", "javascript:", "src=\"http", "<link ", "@import"] { #expect(!html.contains(banned), "\(banned)") }
        #expect(html.components(separatedBy: "<polyline class=\"series\"").count - 1 == v.overTime.count)
        #expect(html.components(separatedBy: "<rect class=\"cell\"").count - 1 == e.perHostOverTime.count * 48)
        #expect(html.components(separatedBy: "<rect class=\"alarm\"").count - 1 == a.episodes.count)
        #expect(html.contains("<meta name=\"viewport\"") && html.contains("@media print"))
    }

    /// Shipper health: the farm's sums and each listed host's figures against the samples loaded, the hosts
    /// listed (and why) spelled out, and the same numbers in the Markdown and the HTML.
    @Test func shipperHealthPerHostMatchesTheSamples() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let report = cluster.report(osd: "https://osd.example.org")
        #expect(report.requests == 2)
        #expect(report.shipper.status == .ok && report.shipper.note == nil)
        let s = try #require(report.shipper.data)

        let cur = Farm.health.filter { $0.seconds >= from && $0.seconds < to }
        let prev = Farm.health.filter { $0.seconds >= previousFrom && $0.seconds < from }
        func sum(_ docs: [HealthDoc], _ field: KeyPath<HealthDoc, Int>) -> Int { docs.reduce(0) { $0 + $1[keyPath: field] } }
        let fields: [(String, KeyPath<HealthDoc, Int>)] = [("received", \.received), ("indexed", \.indexed),
                                                            ("dead_lettered", \.deadLettered), ("dropped", \.dropped), ("malformed", \.malformed)]
        let totals = [["hosts", "\(Set(cur.map(\.host)).count)", "\(Set(prev.map(\.host)).count)"]]
            + fields.map { [$0.0, "\(sum(cur, $0.1))", "\(sum(prev, $0.1))"] }
        #expect(rows(s.totals) == totals)
        #expect(rows(s.totals) == [["hosts", "4", "5"], ["received", "31970", "32990"], ["indexed", "31967", "32990"],
                                   ["dead_lettered", "3", "0"], ["dropped", "12", "2"], ["malformed", "1", "0"]])
        #expect(s.totals.allSatisfy { $0.link?.dashboard == "logbridge-shipper-health" && $0.link?.query == "*" })
        #expect(s.maxLagSeconds == cur.map(\.lag).max() && s.maxLagSeconds == 340.5)
        #expect(s.previousMaxLagSeconds == prev.map(\.lag).max() && s.previousMaxLagSeconds == 95.25)

        // Listed: drops and dead letters, lag above 60 s, stopped (halfway, or before the period); then the
        // others by lag. Flagged first, by worst lag.
        #expect(s.hosts.map { [$0.host] + $0.flags } == [["flp004", "dead_lettered", "lag"], ["flp001", "dropped"],
                                                          ["flp002", "stopped"], ["flp006", "stopped"], ["flp005"]])
        for x in s.hosts {
            let docs = cur.filter { $0.host == x.host }
            #expect(x.received == sum(docs, \.received) && x.deadLettered == sum(docs, \.deadLettered), "\(x.host)")
            #expect(x.dropped == sum(docs, \.dropped) && x.malformed == sum(docs, \.malformed), "\(x.host)")
            #expect(x.maxLagSeconds == docs.map(\.lag).max(), "\(x.host)")
            let last = (docs.isEmpty ? prev.filter { $0.host == x.host } : docs).map(\.seconds).max().map(ReportTime.format)
            #expect(x.lastSample == last, "\(x.host)")
            #expect(x.link?.dashboard == "logbridge-shipper-health" && x.link?.query == "host.name:\"\(x.host)\"")
            #expect(x.link?.opensearchDashboards?.hasPrefix("https://osd.example.org/app/dashboards#/view/logbridge-shipper-health?") == true)
        }
        // Both inputs of flp001 summed; its samples from 16:00 on are outside the period.
        #expect(s.hosts[1].received == 48 * 100 + 48 * 40 && s.hosts[1].lastSample == "2026-12-01T15:50:00.000Z")
        #expect(s.hosts[2].lastSample == "2026-12-01T12:00:00.000Z" && s.hosts[3].lastSample == "2026-12-01T06:00:00.000Z")
        #expect(s.hosts[3].maxLagSeconds == nil && s.hosts[3].received == 0)
        #expect(s.rules.count == 3 && s.rules[0].contains("above 60 s") && s.rules[2].contains("3 sample intervals"))

        // Markdown and HTML: the same figures.
        let md = ReportMarkdown.render(report), html = ReportHTML.render(report)
        func lag(_ x: Double?) -> String { x.map { String(format: "%.2f s", $0) } ?? "-" }
        #expect(md.contains("## Shipper health") && html.contains("<h2 id=\"shipper\">Shipper health</h2>"))
        #expect(md.contains("**worst lag 340.50 s** (previous 95.25 s)") && html.contains("<b>worst lag 340.50 s</b> (previous 95.25 s)"))
        for item in s.totals {
            #expect(md.contains("| \(item.key) | \(item.count) | \(item.previous) | "), "\(item.key)")
            #expect(html.contains("<tr><td>\(item.key)</td><td class=\"n\">\(item.count)</td><td class=\"n\">\(item.previous)</td>"), "\(item.key)")
        }
        for x in s.hosts {
            let flags = x.flags.isEmpty ? "-" : x.flags.joined(separator: ", ")
            #expect(md.contains("| \(x.host) | \(flags) | \(lag(x.maxLagSeconds)) | \(x.lastSample ?? "-") | \(x.received) | \(x.deadLettered) | \(x.dropped) | \(x.malformed) | "), "\(x.host)")
            #expect(html.contains("<tr><td>\(x.host)</td><td>\(flags)</td><td class=\"n\">\(lag(x.maxLagSeconds))</td><td>\(x.lastSample ?? "-")</td>"
                                  + "<td class=\"n\">\(x.received)</td><td class=\"n\">\(x.deadLettered)</td><td class=\"n\">\(x.dropped)</td>"
                                  + "<td class=\"n\">\(x.malformed)</td>"), "\(x.host)")
        }
        #expect(md.contains("| flp004 | dead_lettered, lag | 340.50 s | 2026-12-01T15:50:00.000Z | 4800 | 3 | 0 | 1 | "))
        #expect(try ReportJSON.parse(ReportJSON.render(report)) == report)
    }

    /// Samples indexed before the health template was installed: `host.name` is mapped as text, the cluster
    /// refuses the per-host aggregation, and only the shipper section says so, with what fixes it.
    @Test func healthSamplesWithoutTheMappingMarkOnlyTheirSectionUnreadable() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        // A cluster where shippers wrote before `logbridge setup` ran: no health template.
        let removed = try cluster.client.request("DELETE", "/_index_template/logbridge-health")
        #expect(removed.isSuccess, "\(removed.text.prefix(300))")
        try cluster.bulk(Farm.documents.map { ($0.index, $0.json) })
        try cluster.bulk(Farm.health.prefix(20).map { ("logbridge-health-2026.12", $0.json) })
        let report = cluster.report()
        #expect(report.requests == 2)
        #expect(report.unreadableSections == ["shipper"])
        #expect(report.volume.status == .ok && report.shipper.data == nil)
        let note = try #require(report.shipper.note)
        #expect(note.hasPrefix("shipper health could not be read: search failed: ") && note.contains("host.name"), "\(note)")
        #expect(note.hasSuffix("run `logbridge setup`; indices created after that have it)"), "\(note)")
        #expect(ReportMarkdown.render(report).contains("**Could not be read:** Shipper health (shipper health could not be read: "))
    }

    /// A report stored before the section existed still reads, the section marked as not in it.
    @Test func aStoredReportWithoutTheShipperSectionStillReads() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        let report = cluster.report()
        var object = try #require(try JSONSerialization.jsonObject(with: Data(ReportJSON.render(report).utf8)) as? [String: Any])
        object["shipper"] = nil
        let older = try ReportJSON.parse(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect(older.volume == report.volume && older.deadLetters == report.deadLetters)
        #expect(older.shipper.status == .missingIndex && older.shipper.note?.contains("without the shipper health section") == true)
    }

    @Test func emptyPeriodAndMissingIndicesSayWhatTheyAre() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        // Nothing shipped yet: every index pattern matches nothing.
        let bare = cluster.report()
        #expect(bare.volume.status == .missingIndex && bare.volume.note?.contains("logs-*") == true)
        #expect(bare.errors.status == .missingIndex && bare.hosts.status == .missingIndex)
        #expect(bare.alarms.status == .missingIndex && bare.alarms.note?.contains("logbridge-alarms-2*") == true)
        #expect(bare.newPatterns.status == .missingIndex && bare.deadLetters.status == .missingIndex)
        #expect(bare.shipper.status == .missingIndex && bare.shipper.data == nil)
        #expect(bare.shipper.note == "no shipper health documents (logbridge-health-*): shippers older than this version or `health.enabled: false`")
        #expect(bare.unreadableSections.isEmpty)
        #expect(ReportMarkdown.render(bare).contains("_index missing: no alarm index"))
        #expect(ReportMarkdown.render(bare).contains("## Shipper health\n\n_index missing: no shipper health documents (logbridge-health-*)"))
        #expect(ReportHTML.render(bare).contains("<p class=\"note\">index missing: no shipper health documents (logbridge-health-*)"))

        try cluster.loadFarm()
        // A period a month earlier: indices exist, nothing in them for the period.
        let empty = cluster.report(from: "2026-11-01T08:00:00Z", to: "2026-11-01T16:00:00Z")
        #expect(empty.volume.status == .empty && empty.volume.data == nil && empty.volume.note != nil)
        #expect(empty.errors.status == .empty && empty.hosts.status == .empty && empty.infologger.status == .empty)
        #expect(empty.alarms.status == .empty && empty.alarms.data?.episodes.isEmpty == true)
        #expect(empty.newPatterns.status == .empty && empty.deadLetters.status == .empty)
        #expect(empty.shipper.status == .empty && empty.shipper.data == nil && empty.shipper.note?.contains("no shipper health sample") == true)
        let html = ReportHTML.render(empty)
        #expect(html.contains("nothing in the period: no document in the period or the previous one"))
    }

    @Test func aClusterThatIsDownMarksEverySectionUnreadable() throws {
        var output = OutputSettings()
        output.hosts = ["http://127.0.0.1:\(freePort())"]
        output.connectTimeoutSeconds = 2
        let report = ReportReader(client: ClusterClient(settings: output),
                                  options: ReportReader.Options(from: ReportTime.parse(Farm.from)!, to: ReportTime.parse(Farm.to)!)).read()
        #expect(report.unreadableSections == ["volume", "errors", "hosts", "alarms", "new_patterns", "infologger", "dead_letters", "shipper"])
        #expect(report.volume.note?.contains("the cluster did not answer") == true)
        #expect(ReportMarkdown.render(report).contains("**Could not be read:** Volume"))
    }
}
