import Foundation
import Testing
@testable import Config

@Suite("Loading a configuration")
struct LoaderTests {
    @Test("the full example parses to the expected settings")
    func fullExample() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("password", "s3cret\n")
        try dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n")
        let path = try dir.write("logbridge.yaml", """
        state_dir: /var/lib/logbridge-test
        logging: {level: debug}
        output:
          hosts: ["https://es1:9200", "https://es2:9200/"]
          mode: index
          index: "farm-{dataset}-{yyyy.MM.dd}"
          namespace: prod
          compression: none
          max_in_flight: 4
          request_timeout: 2m
          connect_timeout: 1500ms
          allow_insecure_credentials: false
          auth:
            username: logbridge
            password_file: password
          tls: {ca_file: ca.pem, insecure: false}
          batch: {max_docs: 2000, max_bytes: 10MB, flush_interval: 500ms}
          retry: {initial_backoff: 100ms, max_backoff: 1m}
          dead_letter: {index: "farm-dlq-{yyyy.MM.dd}", file: rejected.ndjson}
        inputs:
          - type: journald
            id: system
            matches: ["_SYSTEMD_UNIT=sshd.service", "PRIORITY=3"]
            start: tail
            dataset: system.journal
            max_custom_fields: 16
          - type: journald
            id: remote
            directory: remote/journals
            dataset: farm.remote
          - type: journald
            id: archived
            files: [a.journal, /srv/b.journal]
        """)

        let config = try ConfigLoader.load(path: path, environment: [:])

        var output = OutputSettings()
        output.hosts = ["https://es1:9200", "https://es2:9200"]
        output.mode = .index
        output.indexPattern = "farm-{dataset}-{yyyy.MM.dd}"
        output.namespace = "prod"
        output.compression = .none
        output.maxInFlight = 4
        output.requestTimeoutSeconds = 120
        output.connectTimeoutSeconds = 1.5
        output.auth = .basic(username: "logbridge", password: Secret("s3cret"))
        output.tls = TLSSettings(caFile: dir.path + "/ca.pem")
        output.batch = BatchSettings(maxDocuments: 2000, maxBytes: 10_000_000, flushIntervalSeconds: 0.5)
        output.retry = RetrySettings(initialBackoffSeconds: 0.1, maxBackoffSeconds: 60)
        output.deadLetter.indexPattern = "farm-dlq-{yyyy.MM.dd}"
        output.deadLetter.file = "rejected.ndjson"
        let expected = LogBridgeConfig(
            stateDirectory: "/var/lib/logbridge-test",
            output: output,
            inputs: [
                .journald(JournaldInputSettings(id: "system", matches: ["_SYSTEMD_UNIT=sshd.service", "PRIORITY=3"],
                                                start: .tail, dataset: "system.journal", maxCustomFields: 16)),
                .journald(JournaldInputSettings(id: "remote", source: .directory(dir.path + "/remote/journals"),
                                                dataset: "farm.remote")),
                .journald(JournaldInputSettings(id: "archived", source: .files([dir.path + "/a.journal", "/srv/b.journal"]))),
            ],
            logging: LoggingSettings(level: .debug),
            sourcePath: path)
        #expect(config == expected)
    }

    @Test("everything left out takes the defaults of Settings.swift")
    func defaults() throws {
        let config = try parse(minimalInputs)
        #expect(config == LogBridgeConfig(inputs: [.journald(JournaldInputSettings(id: "system"))],
                                          sourcePath: "/etc/logbridge/logbridge.yaml"))
        #expect(config.output.hosts == ["http://127.0.0.1:9200"])
        #expect(config.output.batch.maxBytes == 5 * 1024 * 1024)
        #expect(config.output.auth == .none)
    }

    @Test("sections with every entry commented out mean the defaults")
    func emptySections() throws {
        let config = try parse("""
        output:
          tls:
            # ca_file: /etc/ssl/ca.pem
          batch:
        \(minimalInputs)
        """)
        #expect(config.output == OutputSettings())
    }

    @Test("a single host may be written as a string")
    func singleHost() throws {
        let config = try parse("output:\n  hosts: https://es.example.org:9200\n" + minimalInputs)
        #expect(config.output.hosts == ["https://es.example.org:9200"])
    }

    @Test("data_stream mode and its namespace")
    func dataStreamMode() throws {
        let config = try parse("output: {mode: data_stream, namespace: farm}\n" + minimalInputs)
        #expect(config.output.mode == .dataStream)
        #expect(config.output.namespace == "farm")
    }

    @Test("relative paths: journal locations and state_dir follow the config file, the dead-letter file does not")
    func relativePaths() throws {
        let config = try parse("""
        state_dir: state
        output: {dead_letter: {file: dlq/out.ndjson}}
        inputs:
          - {type: journald, id: a, directory: ../journal}
          - {type: journald, id: b, files: x.journal}
        """, path: "/opt/lb/conf/logbridge.yaml")
        #expect(config.stateDirectory == "/opt/lb/conf/state")
        #expect(config.output.deadLetter.file == "dlq/out.ndjson")
        #expect(config.inputs == [
            .journald(JournaldInputSettings(id: "a", source: .directory("/opt/lb/journal"))),
            .journald(JournaldInputSettings(id: "b", source: .files(["/opt/lb/conf/x.journal"]))),
        ])
    }

    @Test("a relative config path anchors relative paths at the working directory")
    func relativeConfigPath() throws {
        let config = try parse("inputs: [{type: journald, id: a, directory: j}]", path: "logbridge.yaml")
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        #expect(config.inputs == [.journald(JournaldInputSettings(id: "a", source: .directory(cwd + "/j")))])
        #expect(config.sourcePath == "logbridge.yaml")
    }

    @Test("an unreadable configuration file is reported with its path")
    func missingFile() {
        #expect(throws: ConfigError(file: "/nonexistent/logbridge.yaml", line: nil, keyPath: "",
                                    message: "cannot read configuration: No such file or directory")) {
            try ConfigLoader.load(path: "/nonexistent/logbridge.yaml", environment: [:])
        }
    }

    @Test("tls.insecure is accepted")
    func insecureTLS() throws {
        let config = try parse("output: {tls: {insecure: true}}\n" + minimalInputs)
        #expect(config.output.tls.insecure)
    }
}

@Suite("The sample production configuration")
struct SampleConfigTests {
    /// `deploy/logbridge.yaml`, found from this test file so the test runs from any working directory.
    static let samplePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/logbridge.yaml").path

    @Test("deploy/logbridge.yaml loads, with its /etc/logbridge files and systemd credential moved to a temporary directory")
    func sampleLoads() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("password", "from-file\n")
        try dir.write("elasticsearch-ca.pem", "-----BEGIN CERTIFICATE-----\n")
        let sample = try String(contentsOfFile: Self.samplePath, encoding: .utf8)
            .replacingOccurrences(of: "/etc/logbridge/", with: dir.path + "/")
            .replacingOccurrences(of: "/run/credentials/logbridge.service/", with: dir.path + "/")

        let config = try ConfigLoader.parse(yaml: sample, path: "logbridge.yaml", environment: [:])

        #expect(config.output.hosts.count == 3)
        #expect(config.output.hosts.allSatisfy { $0.hasPrefix("https://") })
        #expect(config.output.auth == .basic(username: "logbridge", password: Secret("from-file")))
        #expect(config.output.tls.caFile == dir.path + "/elasticsearch-ca.pem")
        #expect(config.inputs == [.journald(JournaldInputSettings(id: "system"))])
        // The sample spells out the defaults; apart from hosts, auth and TLS it must agree with Settings.swift.
        var expectedOutput = OutputSettings()
        expectedOutput.hosts = config.output.hosts
        expectedOutput.auth = config.output.auth
        expectedOutput.tls = config.output.tls
        #expect(config.output == expectedOutput)
        #expect(config.stateDirectory == LogBridgeConfig().stateDirectory)
    }
}
