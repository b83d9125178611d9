import Foundation

/// Where a report item's evidence is: a saved dashboard of `Dashboards/` (its id), a KQL query and the period,
/// and the URL to open it in OpenSearch Dashboards and in Kibana when their base URLs are known.
///
/// Both products open a saved dashboard at `<base>/app/dashboards#/view/<id>` with the time range in `_g` and
/// the query in `_a`, written in Rison (OpenSearch Dashboards forked from Kibana 7.10 and kept the route);
/// the two URLs differ by their base, so a site running either gets working links.
public struct DashboardLink: Sendable, Codable, Equatable {
    public var dashboard: String
    public var query: String
    public var opensearchDashboards: String?
    public var kibana: String?

    enum CodingKeys: String, CodingKey {
        case dashboard, query, kibana
        case opensearchDashboards = "opensearch_dashboards"
    }

    /// The dashboards of `Dashboards/*.ndjson` the report links to.
    public enum Board: String, Sendable {
        case farmOverview = "logbridge-farm-overview"
        case hostDrilldown = "logbridge-host-drilldown"
        case infologger = "logbridge-infologger"
        case alarms = "logbridge-alarms"
        case patterns = "logbridge-patterns-dashboard"
        case shipperHealth = "logbridge-shipper-health"
    }
}

/// Base URLs and the period: builds every item's link.
public struct LinkBuilder: Sendable {
    public var opensearchDashboardsURL: String?
    public var kibanaURL: String?
    public var from: String
    public var to: String

    public init(opensearchDashboardsURL: String?, kibanaURL: String?, from: String, to: String) {
        self.opensearchDashboardsURL = opensearchDashboardsURL.map(Self.trimSlash)
        self.kibanaURL = kibanaURL.map(Self.trimSlash)
        self.from = from; self.to = to
    }

    public func link(_ board: DashboardLink.Board, _ query: String) -> DashboardLink {
        DashboardLink(dashboard: board.rawValue, query: query,
                      opensearchDashboards: opensearchDashboardsURL.map { url($0, board, query) },
                      kibana: kibanaURL.map { url($0, board, query) })
    }

    /// `field:"value"`, the value quoted for KQL.
    public static func term(_ field: String, _ value: String) -> String {
        field + ":\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    public static let errorLevels = "log.level:(emerg or alert or crit or err)"

    func url(_ base: String, _ board: DashboardLink.Board, _ query: String) -> String {
        let g = "(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:\(Self.rison(from)),to:\(Self.rison(to))))"
        let a = "(query:(language:kuery,query:\(Self.rison(query))))"
        return "\(base)/app/dashboards#/view/\(board.rawValue)?_g=\(Self.percent(g))&_a=\(Self.percent(a))"
    }

    /// A Rison string: quoted with `'`, where `!` and `'` are escaped with `!`.
    static func rison(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "!", with: "!!").replacingOccurrences(of: "'", with: "!'") + "'"
    }

    /// Percent-encodes all but unreserved characters and the ones Rison's syntax uses, as the apps write them.
    static func percent(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "!"), UInt8(ascii: "'"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    private static func trimSlash(_ s: String) -> String { s.hasSuffix("/") ? String(s.dropLast()) : s }
}

extension String {
    func leftPadded(_ width: Int, with fill: Character = "0") -> String {
        count >= width ? self : String(repeating: fill, count: width - count) + self
    }
}
