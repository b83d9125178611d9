/// `type: syslog` — RFC 3164/5424 over UDP, TCP and TLS (issue: syslog receiver). Owned by the syslog input.
public struct SyslogInputSettings: Sendable, Equatable {
    public var id: String
    public var dataset: String = "system.syslog"
    public var spool: SpoolSettings = SpoolSettings()
    public init(id: String) { self.id = id }
}
