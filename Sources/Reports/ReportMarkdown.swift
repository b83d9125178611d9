import Foundation

/// The report as Markdown for Mattermost and the e-logbook: the same figures as the JSON, one table per list,
/// each row with its dashboard links when base URLs are configured.
public enum ReportMarkdown {
    public static func render(_ r: Report) -> String {
        var out = "# LogBridge report \(r.period.from) → \(r.period.to)\n\n"
        out += "Compared with the previous period \(r.period.previousFrom) → \(r.period.previousTo). "
        out += "Generated \(r.period.generatedAt) with \(r.requests) request(s) to the cluster.\n\n"
        let unread = r.sectionStatuses.filter { $0.status == .unreadable }
        if !unread.isEmpty {
            out += "**Could not be read:** " + unread.map { "\(Figures.titles[$0.name] ?? $0.name) (\($0.note ?? ""))" }.joined(separator: "; ") + "\n\n"
        }

        out += header("volume", r.volume.status, r.volume.note)
        if let v = r.volume.data {
            out += "**\(v.total.count) documents** (previous \(v.total.previous), change \(Figures.change(v.total))) \(links(v.total.link))\n\n"
            out += table("dataset", v.datasets)
            out += table("host", v.hosts)
        }

        out += header("errors", r.errors.status, r.errors.note)
        if let e = r.errors.data {
            out += "**\(e.total.count) errors and criticals** (previous \(e.total.previous), change \(Figures.change(e.total))) \(links(e.total.link))\n\n"
            out += table("level", e.levels)
            out += table("top host", e.topHosts)
            out += "| top service | field | count | previous | change | links |\n|---|---|---:|---:|---:|---|\n"
            for s in e.topServices {
                out += "| \(cell(s.item.key)) | \(s.field) | \(s.item.count) | \(s.item.previous) | \(Figures.change(s.item)) | \(links(s.item.link)) |\n"
            }
            out += "\n| top message (pattern) | template | count | previous | change | links |\n|---|---|---:|---:|---:|---|\n"
            for m in e.topMessages {
                out += "| `\(m.item.key)` | \(cell(m.template ?? "(not in the catalogue)")) | \(m.item.count) | \(m.item.previous) | \(Figures.change(m.item)) | \(links(m.item.link)) |\n"
            }
            out += "\n"
        }

        out += header("hosts", r.hosts.status, r.hosts.note)
        if let h = r.hosts.data {
            for rule in h.rules { out += "- \(rule)\n" }
            out += "\n"
            for (title, list) in [("silent host", h.silent), ("came back", h.cameBack)] {
                out += "| \(title) | previous | count | last seen | links |\n|---|---:|---:|---|---|\n"
                if list.isEmpty { out += "| none | | | | |\n" }
                for s in list { out += "| \(cell(s.host)) | \(s.previous) | \(s.count) | \(s.lastSeen ?? "-") | \(links(s.link)) |\n" }
                out += "\n"
            }
            out += "| error rate far above the farm's | documents | errors | rate | farm rate | ratio | links |\n|---|---:|---:|---:|---:|---:|---|\n"
            if h.errorRate.isEmpty { out += "| none | | | | | | |\n" }
            for e in h.errorRate {
                out += "| \(cell(e.host)) | \(e.documents) | \(e.errors) | \(Figures.rate(e.rate)) | \(Figures.rate(e.farmRate)) | \(e.ratio) | \(links(e.link)) |\n"
            }
            out += "\n"
        }

        out += header("alarms", r.alarms.status, r.alarms.note)
        if let a = r.alarms.data, !a.rules.isEmpty {
            out += "| rule | raised | cleared | active at end | re-notifications | links |\n|---|---:|---:|---:|---:|---|\n"
            for s in a.rules {
                out += "| \(cell(s.rule)) | \(s.raised) | \(s.cleared) | \(s.activeAtEnd) | \(s.renotifications) | \(links(s.link)) |\n"
            }
            out += "\n| rule | key | severity | raised | cleared | duration | time to clear | re-notifications | links |\n|---|---|---|---|---|---|---|---:|---|\n"
            for e in a.episodes {
                let cleared = e.clearedAt ?? "active at end"
                let ttc = e.timeToClearSeconds.map(ReportTime.duration) ?? "-"
                out += "| \(cell(e.rule)) | \(cell(e.key)) | \(e.severity) | \(e.raisedAt) | \(cleared) | \(ReportTime.duration(e.durationSeconds)) | \(ttc) | \(e.renotifications) | \(links(e.link)) |\n"
            }
            out += "\n"
        }

        out += header("new_patterns", r.newPatterns.status, r.newPatterns.note)
        if let p = r.newPatterns.data, !p.isEmpty {
            out += "| pattern | first seen | hosts | messages | template | links |\n|---|---|---:|---:|---|---|\n"
            for n in p { out += "| `\(n.id)` | \(n.firstSeen) | \(n.hosts) | \(n.count) | \(cell(n.template)) | \(links(n.link)) |\n" }
            out += "\n"
        }

        out += header("infologger", r.infologger.status, r.infologger.note)
        if let i = r.infologger.data {
            out += table("severity", i.severities)
            out += "| detector | count | previous | change | by severity | links |\n|---|---:|---:|---:|---|---|\n"
            for d in i.detectors {
                let sev = d.severities.keys.sorted().map { "\($0) \(d.severities[$0]!)" }.joined(separator: ", ")
                out += "| \(cell(d.item.key)) | \(d.item.count) | \(d.item.previous) | \(Figures.change(d.item)) | \(sev) | \(links(d.item.link)) |\n"
            }
            out += "\n"
        }

        out += header("dead_letters", r.deadLetters.status, r.deadLetters.note)
        if let d = r.deadLetters.data, d.total.count > 0 || d.total.previous > 0 {
            out += "**\(d.total.count) dead letters** (previous \(d.total.previous), change \(Figures.change(d.total))) \(links(d.total.link))\n\n"
            out += table("input", d.inputs)
            out += table("error type", d.errorTypes)
        }

        out += header("shipper", r.shipper.status, r.shipper.note)
        if let h = r.shipper.data {
            for rule in h.rules { out += "- \(rule)\n" }
            out += "\n**worst lag \(Figures.lag(h.maxLagSeconds))** (previous \(Figures.lag(h.previousMaxLagSeconds)))\n\n"
            out += table("shipper total", h.totals)
            out += "| shipper host | flags | worst lag | last sample | received | dead-lettered | dropped | malformed | links |\n"
            out += "|---|---|---:|---|---:|---:|---:|---:|---|\n"
            if h.hosts.isEmpty { out += "| none | | | | | | | | |\n" }
            for x in h.hosts {
                out += "| \(cell(x.host)) | \(Figures.flags(x.flags)) | \(Figures.lag(x.maxLagSeconds)) | \(x.lastSample ?? "-") | \(x.received) | "
                    + "\(x.deadLettered) | \(x.dropped) | \(x.malformed) | \(links(x.link)) |\n"
            }
            out += "\n"
        }
        return out
    }

    static func header(_ name: String, _ status: SectionStatus, _ note: String?) -> String {
        var s = "## \(Figures.titles[name] ?? name)\n\n"
        if status != .ok || note != nil { s += "_\(Figures.statusText(status))\(note.map { ": " + $0 } ?? "")_\n\n" }
        return s
    }

    static func table(_ title: String, _ items: [Item]) -> String {
        var s = "| \(title) | count | previous | change | links |\n|---|---:|---:|---:|---|\n"
        if items.isEmpty { s += "| none | | | | |\n" }
        for i in items { s += "| \(cell(i.key)) | \(i.count) | \(i.previous) | \(Figures.change(i)) | \(links(i.link)) |\n" }
        return s + "\n"
    }

    static func links(_ link: DashboardLink?) -> String {
        guard let link else { return "" }
        var parts: [String] = []
        if let u = link.opensearchDashboards { parts.append("[OpenSearch Dashboards](\(u))") }
        if let u = link.kibana { parts.append("[Kibana](\(u))") }
        return parts.joined(separator: " ")
    }

    /// A table cell: pipes escaped and line breaks flattened, so a message cannot break the table.
    static func cell(_ text: String) -> String {
        var s = text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        if s.count > 160 { s = String(s.prefix(159)) + "…" }
        return s
    }
}
