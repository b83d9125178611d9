/// Reads `output:` into `OutputSettings`, validating everything the cluster would otherwise reject later.
enum OutputSection {
    static let keys = [
        "hosts", "mode", "index", "namespace", "compression", "max_in_flight", "request_timeout", "connect_timeout",
        "allow_insecure_credentials", "auth", "tls", "batch", "retry", "dead_letter",
    ]

    static func read(_ output: ConfigMapping) throws(ConfigError) -> OutputSettings {
        var settings = OutputSettings()
        if let hosts = output["hosts"] { settings.hosts = try readHosts(hosts) }
        if let mode = output["mode"] { settings.mode = try mode.choice(OutputSettings.IndexMode.self) }
        if let index = output["index"] {
            settings.indexPattern = try index.nonEmptyString()
            if let problem = NamingRules.indexPatternProblem(settings.indexPattern, requiresDataset: true) {
                throw index.error(problem)
            }
        }
        if let namespace = output["namespace"] {
            settings.namespace = try namespace.string()
            if let problem = NamingRules.dataStreamPartProblem(settings.namespace) { throw namespace.error(problem) }
        }
        if let compression = output["compression"] {
            settings.compression = try compression.choice(OutputSettings.Compression.self)
        }
        if let inFlight = output["max_in_flight"] { settings.maxInFlight = try inFlight.int(in: 1...64) }
        if let timeout = output["request_timeout"] { settings.requestTimeoutSeconds = try timeout.positiveSeconds() }
        if let timeout = output["connect_timeout"] { settings.connectTimeoutSeconds = try timeout.positiveSeconds() }
        if let allow = output["allow_insecure_credentials"] { settings.allowInsecureCredentials = try allow.bool() }

        let auth = try output.section("auth", keys: AuthSection.keys, forbidden: AuthSection.forbidden)
        settings.auth = try AuthSection.read(auth)
        settings.tls = try readTLS(output.section("tls", keys: ["ca_file", "cert_file", "key_file", "insecure"]))
        settings.batch = try readBatch(output.section("batch", keys: ["max_docs", "max_bytes", "flush_interval"]))
        settings.retry = try readRetry(output.section("retry", keys: ["initial_backoff", "max_backoff"]))
        settings.deadLetter = try readDeadLetter(output.section("dead_letter", keys: ["index", "file"]))

        try refuseClearTextCredentials(settings, auth: auth)
        return settings
    }

    private static func readHosts(_ value: ConfigValue) throws(ConfigError) -> [String] {
        let texts = try value.stringList(allowingSingle: true)
        guard !texts.isEmpty else { throw value.error("needs at least one host") }
        let items = (try? value.list()) ?? [value]
        var hosts: [String] = []
        for (index, text) in texts.enumerated() {
            switch NamingRules.normalizedHost(text) {
            case .success(let host): hosts.append(host)
            case .failure(let problem): throw items[index].error(problem.message)
            }
        }
        return hosts
    }

    private static func readTLS(_ tls: ConfigMapping) throws(ConfigError) -> TLSSettings {
        var settings = TLSSettings()
        settings.caFile = try readableFile(tls["ca_file"])
        settings.certFile = try readableFile(tls["cert_file"])
        settings.keyFile = try readableFile(tls["key_file"])
        if let insecure = tls["insecure"] { settings.insecure = try insecure.bool() }
        if (settings.certFile == nil) != (settings.keyFile == nil) {
            throw tls.value.error("cert_file and key_file go together: a client certificate needs its key")
        }
        return settings
    }

    /// libcurl reads TLS files only when it first connects; a typo should fail at load instead.
    private static func readableFile(_ value: ConfigValue?) throws(ConfigError) -> String? {
        guard let value else { return nil }
        let path = value.source.resolve(try value.nonEmptyString())
        if let problem = FileText.readabilityProblem(path) { throw value.error("cannot read \(path): \(problem)") }
        return path
    }

    private static func readBatch(_ batch: ConfigMapping) throws(ConfigError) -> BatchSettings {
        var settings = BatchSettings()
        if let docs = batch["max_docs"] {
            settings.maxDocuments = try docs.int()
            guard settings.maxDocuments >= 1 else { throw docs.error("must be at least 1, got \(settings.maxDocuments)") }
        }
        if let bytes = batch["max_bytes"] {
            settings.maxBytes = try bytes.byteSize()
            guard settings.maxBytes >= 1024 else { throw bytes.error("must be at least 1KiB, got \(settings.maxBytes) bytes") }
        }
        if let interval = batch["flush_interval"] { settings.flushIntervalSeconds = try interval.positiveSeconds() }
        return settings
    }

    private static func readRetry(_ retry: ConfigMapping) throws(ConfigError) -> RetrySettings {
        var settings = RetrySettings()
        if let initial = retry["initial_backoff"] { settings.initialBackoffSeconds = try initial.positiveSeconds() }
        if let maximum = retry["max_backoff"] { settings.maxBackoffSeconds = try maximum.positiveSeconds() }
        if settings.maxBackoffSeconds < settings.initialBackoffSeconds {
            throw (retry["max_backoff"] ?? retry["initial_backoff"] ?? retry.value).error(
                "max_backoff (\(formatDuration(seconds: settings.maxBackoffSeconds))) must not be shorter than "
                    + "initial_backoff (\(formatDuration(seconds: settings.initialBackoffSeconds)))")
        }
        return settings
    }

    private static func readDeadLetter(_ deadLetter: ConfigMapping) throws(ConfigError) -> DeadLetterSettings {
        var settings = DeadLetterSettings()
        if let index = deadLetter["index"] {
            settings.indexPattern = try index.nonEmptyString()
            if let problem = NamingRules.indexPatternProblem(settings.indexPattern, requiresDataset: false) {
                throw index.error(problem)
            }
        }
        // Kept as written: a relative file lives under state_dir, which the shipper knows and resolves.
        if let file = deadLetter["file"] { settings.file = try file.nonEmptyString() }
        return settings
    }

    private static func refuseClearTextCredentials(_ settings: OutputSettings, auth: ConfigMapping) throws(ConfigError) {
        if case .none = settings.auth { return }
        guard !settings.allowInsecureCredentials,
              let plain = settings.hosts.first(where: { $0.lowercased().hasPrefix("http://") }) else { return }
        throw auth.value.error(
            "credentials would be sent unencrypted to \(plain); use https:// or set output.allow_insecure_credentials: true")
    }
}
