import Config

/// The checks the transport itself depends on, repeated here so no caller can skip them.
enum OutputSettingsCheck {
    static func validate(_ settings: OutputSettings) throws {
        guard !settings.hosts.isEmpty else { throw ClusterError.invalidSettings("output.hosts is empty") }
        for host in settings.hosts {
            let lower = host.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw ClusterError.invalidSettings("output host \(host) must start with http:// or https://")
            }
            if lower.hasPrefix("http://") && settings.auth != .none && !settings.allowInsecureCredentials {
                throw ClusterError.invalidSettings(
                    "refusing to send credentials to \(host) over plain http (set allow_insecure_credentials to allow)")
            }
        }
    }
}
