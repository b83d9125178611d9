/// Reads the top-level `metrics:` section and `shutdown_timeout`.
enum MetricsSection {
    static let keys = ["listen", "unready_after"]

    static func read(_ metrics: ConfigMapping) throws(ConfigError) -> MetricsSettings {
        var settings = MetricsSettings()
        if let listen = metrics["listen"] {
            switch MetricsSettings.Address.parse(try listen.nonEmptyString()) {
            case .success(let address): settings.listen = address
            case .failure(let e): throw listen.error(e.reason)
            }
        } else if !metrics.value.isNull {
            // A metrics section without an address would silently serve nothing.
            throw metrics.value.child("listen", metrics.value.node).error("missing required key (e.g. listen: 127.0.0.1:9600)")
        }
        if let v = metrics["unready_after"] { settings.unreadyAfterSeconds = try v.positiveSeconds() }
        return settings
    }
}
