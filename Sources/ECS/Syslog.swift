/// Syslog severity and facility vocabulary (RFC 5424 numbers, the keywords syslog daemons print),
/// shared by every input that knows a priority.
public enum SyslogNames {
    /// `log.level` and `log.syslog.severity.name`: the keywords rsyslog, syslog-ng and journalctl use.
    public static let severities: [[UInt8]] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"].map { Array($0.utf8) }
    public static let facilities: [[UInt8]] = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "ntp", "security", "console", "solaris-cron",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ].map { Array($0.utf8) }

    public static func severityName(_ code: Int) -> String? {
        severities.indices.contains(code) ? String(decoding: severities[code], as: UTF8.self) : nil
    }
    public static func facilityName(_ code: Int) -> String? {
        facilities.indices.contains(code) ? String(decoding: facilities[code], as: UTF8.self) : nil
    }
}

/// Who wrote the document: fixed per process, so it is encoded once.
public struct AgentInfo: Sendable {
    public static let ecsVersion = "8.11.0"
    public static let version = "0.1.0"
    public var name: String
    public var id: String
    /// Set in `output.mode: data_stream`: every document then says which data stream it belongs to
    /// (`data_stream.type/dataset/namespace`, as ECS and Elasticsearch's data stream naming scheme expect).
    public var dataStreamNamespace: String?
    public init(name: String, id: String, dataStreamNamespace: String? = nil) {
        self.name = name; self.id = id; self.dataStreamNamespace = dataStreamNamespace
    }

    /// `"agent":{...},"ecs":{"version":"…"}` without surrounding braces or commas, and in data-stream mode
    /// `"data_stream":{"type":"logs","dataset":…,"namespace":…}`. Encoded once per input, appended to every event.
    public func encodedMembers(dataset: String) -> [UInt8] {
        var out: [UInt8] = []
        if let namespace = dataStreamNamespace {
            out.append(contentsOf: Array(#""data_stream":{"type":"logs","dataset":"#.utf8))
            JSONBytes.appendString(dataset, to: &out)
            out.append(contentsOf: Array(#","namespace":"#.utf8))
            JSONBytes.appendString(namespace, to: &out)
            out.append(contentsOf: Array("},".utf8))
        }
        out.append(contentsOf: Array(#""agent":{"type":"logbridge","name":"#.utf8))
        JSONBytes.appendString(name, to: &out)
        out.append(contentsOf: Array(#","version":"#.utf8))
        JSONBytes.appendString(Self.version, to: &out)
        out.append(contentsOf: Array(#","id":"#.utf8))
        JSONBytes.appendString(id, to: &out)
        out.append(contentsOf: Array(#"},"ecs":{"version":"#.utf8))
        JSONBytes.appendString(Self.ecsVersion, to: &out)
        out.append(0x7D)
        return out
    }
}
