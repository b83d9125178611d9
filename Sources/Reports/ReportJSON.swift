import Foundation

/// The machine-readable report: every figure, keys sorted so two reports of the same data are equal bytes
/// (the `generated_at` aside). This is what tests compare against the cluster.
public enum ReportJSON {
    public static func render(_ report: Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    public static func parse(_ text: String) throws -> Report {
        try JSONDecoder().decode(Report.self, from: Data(text.utf8))
    }
}

/// Formatting shared by the Markdown and HTML renderers, so both print each figure the same way.
enum Figures {
    /// `+23 (+23.0%)`, `-4 (-50.0%)`, `+7 (new)`, `0`.
    static func change(_ item: Item) -> String {
        let c = item.change
        let sign = c > 0 ? "+" : ""
        guard c != 0 else { return "0" }
        guard let pct = item.changePercent else { return "\(sign)\(c) (new)" }
        return "\(sign)\(c) (\(pct > 0 ? "+" : "")\(percentText(pct))%)"
    }

    static func percentText(_ pct: Double) -> String { String(format: "%.1f", pct) }

    static func rate(_ r: Double) -> String { String(format: "%.2f%%", r * 100) }

    /// `1.25 s`; `-` when there was no sample.
    static func lag(_ seconds: Double?) -> String { seconds.map { String(format: "%.2f s", $0) } ?? "-" }

    /// A shipper host's findings, `-` for one listed for its lag rank only.
    static func flags(_ flags: [String]) -> String { flags.isEmpty ? "-" : flags.joined(separator: ", ") }

    static func statusText(_ status: SectionStatus) -> String {
        switch status {
        case .ok: return "ok"
        case .empty: return "nothing in the period"
        case .missingIndex: return "index missing"
        case .unreadable: return "COULD NOT BE READ"
        }
    }

    static let titles: [String: String] = [
        "volume": "Volume", "errors": "Errors and criticals", "hosts": "Hosts", "alarms": "Alarms",
        "new_patterns": "New message patterns", "infologger": "InfoLogger", "dead_letters": "Dead letters",
        "shipper": "Shipper health",
    ]
}
