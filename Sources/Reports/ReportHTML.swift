import Foundation

/// The report as one self-contained HTML file: inline CSS, inline SVG charts (volume over time per dataset,
/// errors per host as a heat strip, the alarm timeline), no JavaScript, no external resource. Tables scroll
/// sideways on a phone. Printed (the PDF is Chromium printing this file), pages are A4, nothing is hidden, rows
/// and charts are not split, a table's header row repeats on each page it runs onto, a heading stays with what
/// follows it, and the legend's colour keys print although browsers leave backgrounds out. Same figures as the JSON.
public enum ReportHTML {
    public static func render(_ r: Report) -> String {
        var b = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        b += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        b += "<title>LogBridge report \(e(r.period.from)) → \(e(r.period.to))</title><style>\(css)</style></head><body>\n"
        b += "<h1>LogBridge report</h1><p class=\"period\"><b>\(e(r.period.from))</b> → <b>\(e(r.period.to))</b>, compared with "
        b += "\(e(r.period.previousFrom)) → \(e(r.period.previousTo)). Generated \(e(r.period.generatedAt)) with \(r.requests) request(s) to the cluster.</p>\n"
        let unread = r.sectionStatuses.filter { $0.status == .unreadable }
        if !unread.isEmpty {
            b += "<p class=\"unread\"><b>Could not be read:</b> "
                + unread.map { e("\(Figures.titles[$0.name] ?? $0.name) (\($0.note ?? ""))") }.joined(separator: "; ") + "</p>\n"
        }

        b += header("volume", r.volume.status, r.volume.note)
        if let v = r.volume.data {
            b += total("documents", v.total)
            b += volumeChart(v.overTime, r.period)
            b += table("dataset", v.datasets)
            b += table("host", v.hosts)
        }

        b += header("errors", r.errors.status, r.errors.note)
        if let x = r.errors.data {
            b += total("errors and criticals", x.total)
            b += heatStrip(x.perHostOverTime, r.period)
            b += table("level", x.levels)
            b += table("top host", x.topHosts)
            b += "<div class=\"wrap\"><table><thead><tr><th>top service</th><th>field</th><th>count</th><th>previous</th><th>change</th><th>links</th></tr></thead>"
            for s in x.topServices { b += "<tr><td>\(e(s.item.key))</td><td>\(e(s.field))</td>" + numbers(s.item) + "<td>\(links(s.item.link))</td></tr>" }
            b += "</table></div>\n"
            b += "<div class=\"wrap\"><table><thead><tr><th>top message (pattern)</th><th>template</th><th>count</th><th>previous</th><th>change</th><th>links</th></tr></thead>"
            for m in x.topMessages {
                b += "<tr><td><code>\(e(m.item.key))</code></td><td class=\"msg\">\(e(m.template ?? "(not in the catalogue)"))</td>"
                    + numbers(m.item) + "<td>\(links(m.item.link))</td></tr>"
            }
            b += "</table></div>\n"
        }

        b += header("hosts", r.hosts.status, r.hosts.note)
        if let h = r.hosts.data {
            b += "<ul>" + h.rules.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
            for (title, list) in [("silent host", h.silent), ("came back", h.cameBack)] {
                b += "<div class=\"wrap\"><table><thead><tr><th>\(title)</th><th>previous</th><th>count</th><th>last seen</th><th>links</th></tr></thead>"
                if list.isEmpty { b += "<tr><td colspan=\"5\">none</td></tr>" }
                for s in list {
                    b += "<tr><td>\(e(s.host))</td><td class=\"n\">\(s.previous)</td><td class=\"n\">\(s.count)</td><td>\(e(s.lastSeen ?? "-"))</td><td>\(links(s.link))</td></tr>"
                }
                b += "</table></div>\n"
            }
            b += "<div class=\"wrap\"><table><thead><tr><th>error rate far above the farm's</th><th>documents</th><th>errors</th><th>rate</th><th>farm rate</th><th>ratio</th><th>links</th></tr></thead>"
            if h.errorRate.isEmpty { b += "<tr><td colspan=\"7\">none</td></tr>" }
            for x in h.errorRate {
                b += "<tr><td>\(e(x.host))</td><td class=\"n\">\(x.documents)</td><td class=\"n\">\(x.errors)</td><td class=\"n\">\(Figures.rate(x.rate))</td>"
                    + "<td class=\"n\">\(Figures.rate(x.farmRate))</td><td class=\"n\">\(x.ratio)</td><td>\(links(x.link))</td></tr>"
            }
            b += "</table></div>\n"
        }

        b += header("alarms", r.alarms.status, r.alarms.note)
        if let a = r.alarms.data, !a.rules.isEmpty {
            b += alarmTimeline(a.episodes, r.period)
            b += "<div class=\"wrap\"><table><thead><tr><th>rule</th><th>raised</th><th>cleared</th><th>active at end</th><th>re-notifications</th><th>links</th></tr></thead>"
            for s in a.rules {
                b += "<tr><td>\(e(s.rule))</td><td class=\"n\">\(s.raised)</td><td class=\"n\">\(s.cleared)</td><td class=\"n\">\(s.activeAtEnd)</td>"
                    + "<td class=\"n\">\(s.renotifications)</td><td>\(links(s.link))</td></tr>"
            }
            b += "</table></div>\n"
            b += "<div class=\"wrap\"><table><thead><tr><th>rule</th><th>key</th><th>severity</th><th>raised</th><th>cleared</th><th>duration</th><th>time to clear</th><th>re-notifications</th><th>links</th></tr></thead>"
            for x in a.episodes {
                b += "<tr><td>\(e(x.rule))</td><td>\(e(x.key))</td><td>\(e(x.severity))</td><td>\(e(x.raisedAt))</td><td>\(e(x.clearedAt ?? "active at end"))</td>"
                    + "<td>\(ReportTime.duration(x.durationSeconds))</td><td>\(x.timeToClearSeconds.map(ReportTime.duration) ?? "-")</td>"
                    + "<td class=\"n\">\(x.renotifications)</td><td>\(links(x.link))</td></tr>"
            }
            b += "</table></div>\n"
        }

        b += header("new_patterns", r.newPatterns.status, r.newPatterns.note)
        if let p = r.newPatterns.data, !p.isEmpty {
            b += "<div class=\"wrap\"><table><thead><tr><th>pattern</th><th>first seen</th><th>hosts</th><th>messages</th><th>template</th><th>links</th></tr></thead>"
            for n in p {
                b += "<tr><td><code>\(e(n.id))</code></td><td>\(e(n.firstSeen))</td><td class=\"n\">\(n.hosts)</td><td class=\"n\">\(n.count)</td>"
                    + "<td class=\"msg\">\(e(n.template))</td><td>\(links(n.link))</td></tr>"
            }
            b += "</table></div>\n"
        }

        b += header("infologger", r.infologger.status, r.infologger.note)
        if let i = r.infologger.data {
            b += table("severity", i.severities)
            b += "<div class=\"wrap\"><table><thead><tr><th>detector</th><th>count</th><th>previous</th><th>change</th><th>by severity</th><th>links</th></tr></thead>"
            for d in i.detectors {
                let sev = d.severities.keys.sorted().map { "\($0) \(d.severities[$0]!)" }.joined(separator: ", ")
                b += "<tr><td>\(e(d.item.key))</td>" + numbers(d.item) + "<td>\(e(sev))</td><td>\(links(d.item.link))</td></tr>"
            }
            b += "</table></div>\n"
        }

        b += header("dead_letters", r.deadLetters.status, r.deadLetters.note)
        if let d = r.deadLetters.data, d.total.count > 0 || d.total.previous > 0 {
            b += total("dead letters", d.total)
            b += table("input", d.inputs)
            b += table("error type", d.errorTypes)
        }

        b += header("shipper", r.shipper.status, r.shipper.note)
        if let h = r.shipper.data {
            b += "<ul>" + h.rules.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
            b += "<p><b>worst lag \(e(Figures.lag(h.maxLagSeconds)))</b> (previous \(e(Figures.lag(h.previousMaxLagSeconds))))</p>\n"
            b += table("shipper total", h.totals)
            b += "<div class=\"wrap\"><table><thead><tr><th>shipper host</th><th>flags</th><th>worst lag</th><th>last sample</th><th>received</th>"
                + "<th>dead-lettered</th><th>dropped</th><th>malformed</th><th>links</th></tr></thead>"
            if h.hosts.isEmpty { b += "<tr><td colspan=\"9\">none</td></tr>" }
            for x in h.hosts {
                b += "<tr><td>\(e(x.host))</td><td>\(e(Figures.flags(x.flags)))</td><td class=\"n\">\(e(Figures.lag(x.maxLagSeconds)))</td>"
                    + "<td>\(e(x.lastSample ?? "-"))</td><td class=\"n\">\(x.received)</td><td class=\"n\">\(x.deadLettered)</td>"
                    + "<td class=\"n\">\(x.dropped)</td><td class=\"n\">\(x.malformed)</td><td>\(links(x.link))</td></tr>"
            }
            b += "</table></div>\n"
        }
        return b + "</body></html>\n"
    }

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:64rem;padding:0.8rem;color:#1d1d1f;line-height:1.35}\
        h1{font-size:1.5rem;margin:0.2rem 0}h2{font-size:1.2rem;border-bottom:2px solid #d0d7de;margin-top:1.6rem;padding-bottom:0.2rem}\
        .wrap{overflow-x:auto;margin:0.6rem 0}table{border-collapse:collapse;min-width:60%;font-size:0.9rem}\
        th,td{border:1px solid #d0d7de;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}th{background:#f3f5f7}\
        td.n{text-align:right;font-variant-numeric:tabular-nums}td.msg{font-family:ui-monospace,monospace;font-size:0.8rem;word-break:break-word}\
        .note{color:#6b4e00;background:#fff8e1;padding:0.3rem 0.5rem;border-left:4px solid #e0a800}\
        .unread,.status-unreadable{color:#8b0000;background:#fdecea;padding:0.3rem 0.5rem;border-left:4px solid #c62828}\
        .up{color:#b71c1c}.down{color:#1b5e20}svg{max-width:100%;height:auto;display:block;margin:0.5rem 0}\
        svg text{font-size:11px;fill:#444}.legend span{display:inline-block;margin-right:0.8rem;font-size:0.85rem}\
        .legend i{display:inline-block;width:0.8rem;height:0.8rem;margin-right:0.25rem;vertical-align:middle}\
        a{color:#0b57d0}@page{size:A4;margin:12mm}\
        @media print{body{max-width:none;padding:0;font-size:10pt}a{color:inherit;text-decoration:none}h2{break-after:avoid}\
        tr,svg,.legend{break-inside:avoid}thead{display:table-header-group}.wrap{overflow:visible}\
        th,.legend i{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    static func e(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    static func header(_ name: String, _ status: SectionStatus, _ note: String?) -> String {
        var s = "<h2 id=\"\(name)\">\(e(Figures.titles[name] ?? name))</h2>\n"
        if status != .ok || note != nil {
            let cls = status == .unreadable ? "status-unreadable" : "note"
            s += "<p class=\"\(cls)\">\(e(Figures.statusText(status)))\(note.map { ": " + e($0) } ?? "")</p>\n"
        }
        return s
    }

    static func total(_ what: String, _ item: Item) -> String {
        "<p><b>\(item.count) \(what)</b> (previous \(item.previous), change \(e(Figures.change(item)))) \(links(item.link))</p>\n"
    }

    static func numbers(_ i: Item) -> String {
        let cls = i.change > 0 ? "n up" : i.change < 0 ? "n down" : "n"
        return "<td class=\"n\">\(i.count)</td><td class=\"n\">\(i.previous)</td><td class=\"\(cls)\">\(e(Figures.change(i)))</td>"
    }

    static func table(_ title: String, _ items: [Item]) -> String {
        var s = "<div class=\"wrap\"><table><thead><tr><th>\(e(title))</th><th>count</th><th>previous</th><th>change</th><th>links</th></tr></thead>"
        if items.isEmpty { s += "<tr><td colspan=\"5\">none</td></tr>" }
        for i in items { s += "<tr><td>\(e(i.key))</td>" + numbers(i) + "<td>\(links(i.link))</td></tr>" }
        return s + "</table></div>\n"
    }

    static func links(_ link: DashboardLink?) -> String {
        guard let link else { return "" }
        var parts: [String] = []
        if let u = link.opensearchDashboards { parts.append("<a href=\"\(e(u))\">OpenSearch Dashboards</a>") }
        if let u = link.kibana { parts.append("<a href=\"\(e(u))\">Kibana</a>") }
        return parts.joined(separator: " ")
    }

    // MARK: charts

    static let width = 720.0, left = 56.0, right = 8.0

    /// One polyline per dataset (class `series`), documents per bucket.
    static func volumeChart(_ series: [Series], _ p: PeriodInfo) -> String {
        guard !series.isEmpty, !p.buckets.isEmpty else { return "" }
        let height = 200.0, top = 10.0, bottom = 24.0
        let peak = max(1, series.flatMap(\.counts).max() ?? 1)
        let step = (width - left - right) / Double(max(1, p.buckets.count - 1))
        var s = "<svg class=\"chart volume\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"documents per dataset over time\">"
        s += "<title>Documents per dataset per \(ReportTime.duration(Double(p.bucketSeconds))) bucket</title>"
        s += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\" stroke=\"#999\"/>"
        s += "<text x=\"\(left - 4)\" y=\"\(top + 8)\" text-anchor=\"end\">\(peak)</text><text x=\"\(left - 4)\" y=\"\(height - bottom)\" text-anchor=\"end\">0</text>"
        s += "<text x=\"\(left)\" y=\"\(height - 6)\">\(e(String(p.buckets.first!.prefix(16))))</text>"
        s += "<text x=\"\(width - right)\" y=\"\(height - 6)\" text-anchor=\"end\">\(e(String(p.to.prefix(16))))</text>"
        for (n, line) in series.enumerated() {
            let points = line.counts.enumerated().map { i, c in
                String(format: "%.1f,%.1f", left + Double(i) * step, height - bottom - Double(c) / Double(peak) * (height - top - bottom))
            }.joined(separator: " ")
            s += "<polyline class=\"series\" fill=\"none\" stroke-width=\"2\" stroke=\"\(palette[n % palette.count])\" points=\"\(points)\">"
            s += "<title>\(e(line.key))</title></polyline>"
        }
        s += "</svg><div class=\"legend\">"
        for (n, line) in series.enumerated() { s += "<span><i style=\"background:\(palette[n % palette.count])\"></i>\(e(line.key))</span>" }
        return s + "</div>\n"
    }

    /// One row per host with errors, one cell (class `cell`) per bucket, darker for more errors.
    static func heatStrip(_ rows: [Series], _ p: PeriodInfo) -> String {
        guard !rows.isEmpty, !p.buckets.isEmpty else { return "" }
        let rowHeight = 14.0, labelWidth = 110.0
        let height = Double(rows.count) * rowHeight + 22
        let cellWidth = (width - labelWidth - right) / Double(p.buckets.count)
        let peak = max(1, rows.flatMap(\.counts).max() ?? 1)
        var s = "<svg class=\"chart heat\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"errors per host over time\">"
        s += "<title>Errors per host per \(ReportTime.duration(Double(p.bucketSeconds))) bucket (darkest: \(peak))</title>"
        for (r, row) in rows.enumerated() {
            let y = Double(r) * rowHeight
            s += "<text x=\"\(labelWidth - 4)\" y=\"\(y + 11)\" text-anchor=\"end\">\(e(String(row.key.prefix(16))))</text>"
            for (i, c) in row.counts.enumerated() {
                let opacity = c == 0 ? 0.04 : 0.15 + 0.85 * Double(c) / Double(peak)
                s += String(format: "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c62828\" fill-opacity=\"%.2f\">",
                            labelWidth + Double(i) * cellWidth, y + 1, max(0.5, cellWidth - 1), rowHeight - 2, opacity)
                s += "<title>\(e(row.key)) \(e(p.buckets[i])): \(c)</title></rect>"
            }
        }
        s += "<text x=\"\(labelWidth)\" y=\"\(height - 6)\">\(e(String(p.buckets.first!.prefix(16))))</text>"
        s += "<text x=\"\(width - right)\" y=\"\(height - 6)\" text-anchor=\"end\">\(e(String(p.to.prefix(16))))</text>"
        return s + "</svg>\n"
    }

    /// One bar (class `alarm`) per alarm episode from its raise (or the period's start) to its clear (or the
    /// period's end); red while still active at the end.
    static func alarmTimeline(_ episodes: [AlarmEpisode], _ p: PeriodInfo) -> String {
        guard !episodes.isEmpty, let from = ReportTime.parse(p.from), let to = ReportTime.parse(p.to), to > from else { return "" }
        let rowHeight = 16.0, labelWidth = 180.0
        let height = Double(episodes.count) * rowHeight + 22
        let scale = (width - labelWidth - right) / (to - from)
        var s = "<svg class=\"chart alarms\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"alarm timeline\">"
        s += "<title>Alarms from raise to clear</title>"
        for (r, x) in episodes.enumerated() {
            let y = Double(r) * rowHeight
            let start = max(from, ReportTime.parse(x.raisedAt) ?? from)
            let end = min(to, x.clearedAt.flatMap(ReportTime.parse) ?? to)
            let label = "\(x.rule) \(x.key)"
            s += "<text x=\"\(labelWidth - 4)\" y=\"\(y + 12)\" text-anchor=\"end\">\(e(String(label.prefix(28))))</text>"
            s += String(format: "<rect class=\"alarm\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" ",
                        labelWidth + (start - from) * scale, y + 2, max(1.5, (end - start) * scale), rowHeight - 4)
                + "fill=\"\(x.activeAtEnd ? "#c62828" : "#ef8f00")\">"
            s += "<title>\(e(label)): \(e(x.raisedAt)) → \(e(x.clearedAt ?? "active at end")), \(ReportTime.duration(x.durationSeconds))</title></rect>"
        }
        s += "<text x=\"\(labelWidth)\" y=\"\(height - 6)\">\(e(String(p.from.prefix(16))))</text>"
        s += "<text x=\"\(width - right)\" y=\"\(height - 6)\" text-anchor=\"end\">\(e(String(p.to.prefix(16))))</text>"
        return s + "</svg>\n"
    }
}
