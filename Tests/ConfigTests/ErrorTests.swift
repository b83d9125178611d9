import Testing
@testable import Config

/// Every error says `file:line: key.path: message`; these tests pin the line, the path and the wording.
@Suite("Configuration errors")
struct ErrorTests {
    @Test("the documented example: a size that is not a size")
    func badSize() {
        let error = configError("""
        output:
          batch:
            max_bytes: five
        \(minimalInputs)
        """, path: "logbridge.yaml")
        #expect(error?.description == "logbridge.yaml:3: output.batch.max_bytes: expected a size like 5MiB, got \"five\"")
        #expect(error?.file == "logbridge.yaml")
        #expect(error?.line == 3)
        #expect(error?.keyPath == "output.batch.max_bytes")
    }

    @Test("unknown keys suggest the closest valid name")
    func unknownKeyWithSuggestion() {
        let error = configError("""
        output:
          hosts: ["https://es:9200"]
          bach: {max_docs: 10}
        \(minimalInputs)
        """)
        #expect(error?.line == 3)
        #expect(error?.keyPath == "output.bach")
        #expect(error?.message == "unknown key; did you mean \"batch\"?")
    }

    @Test("unknown keys far from any valid one list the valid ones")
    func unknownKeyWithoutSuggestion() {
        let error = configError("logging: {colour: red}\n" + minimalInputs)
        #expect(error?.description == "/etc/logbridge/logbridge.yaml:1: logging.colour: unknown key; valid keys here are: level")
    }

    @Test("unknown top-level and input keys")
    func unknownKeysElsewhere() {
        #expect(configError("stat_dir: /x\n" + minimalInputs)?.description
            == "/etc/logbridge/logbridge.yaml:1: stat_dir: unknown key; did you mean \"state_dir\"?")
        let error = configError("""
        inputs:
          - type: journald
            id: system
            dataset: a
            matchs: ["A=b"]
        """)
        #expect(error?.line == 5)
        #expect(error?.keyPath == "inputs[0].matchs")
        #expect(error?.message == "unknown key; did you mean \"matches\"?")
    }

    @Test("wrong types are rejected at the value's line", arguments: [
        ("output:\n  batch: [1, 2]\n", 2, "output.batch", "expected a mapping, got a list"),
        ("output:\n  max_in_flight: lots\n", 2, "output.max_in_flight", "expected a whole number, got \"lots\""),
        ("output:\n  max_in_flight: {a: 1}\n", 2, "output.max_in_flight", "expected a whole number, got a mapping"),
        ("output:\n  compression: true\n", 2, "output.compression", "unknown value \"true\"; expected one of: gzip, none"),
        ("output:\n  allow_insecure_credentials: yes please\n", 2, "output.allow_insecure_credentials",
         "expected true or false, got \"yes please\""),
        ("output:\n  request_timeout: soon\n", 2, "output.request_timeout", "expected a duration like 1s or 250ms, got \"soon\""),
        ("output:\n  hosts: {a: b}\n", 2, "output.hosts", "expected a list, got a mapping"),
        ("logging:\n  level: loud\n", 2, "logging.level",
         "unknown value \"loud\"; expected one of: trace, debug, info, notice, warning, error, critical"),
        ("output:\n  mode: datastream\n", 2, "output.mode", "unknown value \"datastream\"; did you mean \"data_stream\"?"),
        ("output: [a]\n", 1, "output", "expected a mapping, got a list"),
    ])
    func wrongTypes(yaml: String, line: Int, keyPath: String, message: String) {
        let error = configError(yaml + minimalInputs)
        #expect(error == ConfigError(file: "/etc/logbridge/logbridge.yaml", line: line, keyPath: keyPath, message: message))
    }

    @Test("missing required keys are reported at the line of the enclosing mapping")
    func missingRequiredKeys() {
        let noID = configError("""
        inputs:
          - type: journald
            id: one
          - type: journald
            dataset: two
        """)
        #expect(noID == ConfigError(file: "/etc/logbridge/logbridge.yaml", line: 4, keyPath: "inputs[1].id",
                                    message: "missing required key"))
        let noType = configError("inputs:\n  - id: one\n")
        #expect(noType?.line == 2)
        #expect(noType?.keyPath == "inputs[0].type")
        #expect(noType?.message == "missing required key")
    }

    @Test("unknown input types list the known ones")
    func unknownInputType() {
        let error = configError("inputs:\n  - type: jornald\n    id: x\n")
        #expect(error?.description == "/etc/logbridge/logbridge.yaml:2: inputs[0].type: unknown input type \"jornald\"; did you mean \"journald\"?")
        let far = configError("inputs:\n  - type: kafka\n    id: x\n")
        #expect(far?.message == "unknown input type \"kafka\"; known types: file, infologger, journald, syslog")
    }

    @Test("no inputs means nothing to ship")
    func noInputs() {
        #expect(configError("inputs: []\n")?.description == "/etc/logbridge/logbridge.yaml:1: inputs: nothing to ship; add at least one input")
        let missing = configError("logging: {level: info}\n")
        #expect(missing?.keyPath == "inputs")
        #expect(missing?.line == 1)
        #expect(missing?.message.contains("nothing to ship") == true)
        #expect(configError("")?.message == "the file is empty; at least one input is needed")
    }

    @Test("setup and the alarm commands need only output: inputs may be absent, but are checked when present")
    func clusterOnlyPurpose() throws {
        let outputOnly = "output:\n  hosts: [\"http://es1:9200\"]\n"
        let config = try ConfigLoader.parse(yaml: outputOnly, path: "/etc/logbridge/logbridge.yaml", purpose: .clusterOnly,
                                            environment: [:])
        #expect(config.inputs.isEmpty)
        #expect(config.output.hosts == ["http://es1:9200"])
        #expect(configError(outputOnly)?.message.contains("nothing to ship") == true)
        // An explicitly empty list too: one file for the admin machine or the alarms host, but not for ship.
        let emptyList = try ConfigLoader.parse(yaml: outputOnly + "inputs: []\n", path: "/etc/logbridge/logbridge.yaml",
                                               purpose: .clusterOnly, environment: [:])
        #expect(emptyList.inputs.isEmpty)
        #expect(configError(outputOnly + "inputs: []\n")?.message == "nothing to ship; add at least one input")
        do {
            _ = try ConfigLoader.parse(yaml: outputOnly + "inputs:\n  - type: jornald\n    id: j\n", path: "/etc/logbridge/logbridge.yaml",
                                       purpose: .clusterOnly, environment: [:])
            Issue.record("a misspelt input type must fail for setup too")
        } catch let error as ConfigError {
            #expect(error.message.contains("did you mean \"journald\""))
        }
    }

    @Test("duplicate input ids name both lines")
    func duplicateIDs() {
        let error = configError("""
        inputs:
          - type: journald
            id: system
          - type: journald
            id: system
            directory: /srv/journal
        """)
        #expect(error?.line == 4)
        #expect(error?.keyPath == "inputs[1].id")
        #expect(error?.message == "duplicate input id \"system\" (first used on line 2); ids name checkpoints and must be unique")
    }

    @Test("input ids are used unchanged as state names: ids that would share or escape a state path are refused")
    func inputIDCharacters() throws {
        // `.a` once became `checkpoints/_.a`, the same file as `_.a`'s; `a/b` and `..` would leave the directory.
        for bad in [".a", "..", "_a", "-a", "a/b", "a b", "syslog:514", "é", "a%2e"] {
            let error = configError("inputs:\n  - type: journald\n    id: \"\(bad)\"\n", path: "lb.yaml")
            #expect(error?.line == 3, "\(bad)")
            #expect(error?.keyPath == "inputs[0].id", "\(bad)")
            #expect(error?.description.hasPrefix("lb.yaml:3: inputs[0].id: input id \"\(bad)\" may hold only letters, digits") == true,
                    "\(bad): \(error?.description ?? "accepted")")
        }
        let long = String(repeating: "a", count: 129)
        #expect(configError("inputs:\n  - type: journald\n    id: \(long)\n")?.message == "input id is longer than 128 characters")
        for good in ["a", "system", "farm-syslog", "flp.journal_2", "0day", "A.b-C_d", String(repeating: "a", count: 128)] {
            #expect(configError("inputs:\n  - type: journald\n    id: \(good)\n") == nil, "\(good)")
        }
    }

    @Test("duplicate keys in one mapping are refused")
    func duplicateKeys() {
        let error = configError("output:\n  max_in_flight: 2\n  max_in_flight: 3\n" + minimalInputs)
        #expect(error == ConfigError(file: "/etc/logbridge/logbridge.yaml", line: 3, keyPath: "output.max_in_flight",
                                     message: "duplicate key (first set on line 2)"))
    }

    @Test("YAML syntax errors keep the file:line shape")
    func syntaxError() {
        let error = configError("output:\n  hosts: [\"https://es:9200\"\n  mode: index\n" + minimalInputs)
        #expect(error?.file == "/etc/logbridge/logbridge.yaml")
        #expect(error?.line == 3)
        #expect(error?.keyPath == "")
        #expect(error?.message.hasPrefix("not valid YAML:") == true)
        #expect(error?.message.hasSuffix("while parsing a flow sequence started on line 2") == true)
    }
}

@Suite("Validation")
struct ValidationTests {
    @Test("values out of range", arguments: [
        ("output: {max_in_flight: 0}", "output.max_in_flight", "must be between 1 and 64, got 0"),
        ("output: {max_in_flight: 65}", "output.max_in_flight", "must be between 1 and 64, got 65"),
        ("output: {batch: {max_docs: 0}}", "output.batch.max_docs", "must be at least 1, got 0"),
        ("output: {batch: {max_bytes: 1000}}", "output.batch.max_bytes", "must be at least 1KiB, got 1000 bytes"),
        ("output: {batch: {flush_interval: 0s}}", "output.batch.flush_interval", "must be longer than 0s"),
        ("output: {retry: {initial_backoff: 10s, max_backoff: 1s}}", "output.retry.max_backoff",
         "max_backoff (1s) must not be shorter than initial_backoff (10s)"),
    ])
    func ranges(yaml: String, keyPath: String, message: String) {
        let error = configError(yaml + "\n" + minimalInputs)
        #expect(error?.keyPath == keyPath)
        #expect(error?.message == message)
        #expect(error?.line == 1)
    }

    @Test("the smallest accepted values pass")
    func boundaries() throws {
        let config = try parse("output: {max_in_flight: 64, batch: {max_docs: 1, max_bytes: 1KiB}}\n" + minimalInputs)
        #expect(config.output.maxInFlight == 64)
        #expect(config.output.batch.maxBytes == 1024)
    }

    @Test("hosts must be http or https URLs", arguments: [
        ("es1:9200", "expected an http:// or https:// URL like \"https://es1:9200\", got \"es1:9200\""),
        ("ftp://es1", "expected an http:// or https:// URL like \"https://es1:9200\", got \"ftp://es1\""),
        ("https://", "\"https://\" has no host name"),
        ("https://user:pw@es1:9200",
         "credentials must not be written into the URL; use output.auth with password_file or password_env"),
        ("https://es1:92o0", "expected an http:// or https:// URL like \"https://es1:9200\", got \"https://es1:92o0\""),
        ("https://es 1:9200", "expected an http:// or https:// URL like \"https://es1:9200\", got \"https://es 1:9200\""),
        ("https://:9200", "\"https://:9200\" has no host name"),
        ("https://es1:9200/?pretty", "\"https://es1:9200/?pretty\" must not have a query or fragment"),
        ("http://es1#top", "\"http://es1#top\" must not have a query or fragment"),
    ])
    func hosts(host: String, message: String) {
        let error = configError("output:\n  hosts:\n    - https://ok:9200\n    - \"\(host)\"\n" + minimalInputs)
        #expect(error?.keyPath == "output.hosts[1]")
        #expect(error?.line == 4)
        #expect(error?.message == message)
    }

    @Test("accepted hosts keep their path and lose trailing slashes", arguments: [
        ("HTTPS://es1:9200/", "HTTPS://es1:9200"),
        ("http://[::1]:9200", "http://[::1]:9200"),
        ("https://es1.cern.ch/opensearch//", "https://es1.cern.ch/opensearch"),
        ("http://10.0.0.7", "http://10.0.0.7"),
    ])
    func acceptedHosts(host: String, normalized: String) throws {
        let config = try parse("output:\n  hosts: [\"\(host)\"]\n" + minimalInputs)
        #expect(config.output.hosts == [normalized])
    }

    @Test("index patterns", arguments: [
        ("logs-{yyyy.MM.dd}", "must contain {dataset}"),
        ("Logs-{dataset}", "must be lowercase apart from the date placeholders"),
        ("logs {dataset}", "must not contain spaces (not allowed in index names)"),
        ("logs-*-{dataset}", "must not contain \"*\" (not allowed in index names)"),
        ("logs-{dataset},x", "must not contain \",\" (not allowed in index names)"),
        ("logs#{dataset}", "must not contain \"#\" (not allowed in index names)"),
        ("logs|{dataset}", "must not contain \"|\" (not allowed in index names)"),
        ("logs-{dataset}-{host}", "unknown placeholder near \"{host}\"; known placeholders: {dataset}, {yyyy.MM.dd}, {yyyy}, {MM}, {dd}"),
        ("_logs-{dataset}", "must not start with \"_\""),
    ])
    func indexPatterns(pattern: String, messagePrefix: String) {
        let error = configError("output:\n  index: '\(pattern)'\n" + minimalInputs)
        #expect(error?.keyPath == "output.index")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix(messagePrefix) == true, "\(String(describing: error))")
    }

    @Test("date placeholders may be written separately")
    func separateDateTokens() throws {
        let config = try parse("output: {index: \"logs-{dataset}-{yyyy}.{MM}.{dd}\"}\n" + minimalInputs)
        #expect(config.output.indexPattern == "logs-{dataset}-{yyyy}.{MM}.{dd}")
    }

    @Test("journald matches must be FIELD=value with an upper-case field", arguments: [
        "_SYSTEMD_UNIT=sshd.service", "PRIORITY=3", "MESSAGE_ID=", "_PID=1",
    ])
    func validMatches(match: String) throws {
        let config = try parse("inputs: [{type: journald, id: a, matches: [\"\(match)\"]}]")
        #expect(config.inputs == [.journald(JournaldInputSettings(id: "a", matches: [match]))])
    }

    @Test("invalid journald matches point at the entry", arguments: ["_systemd_unit=sshd", "sshd.service", "=x", "UNIT NAME=x"])
    func invalidMatches(match: String) {
        let error = configError("""
        inputs:
          - type: journald
            id: a
            matches:
              - PRIORITY=3
              - "\(match)"
        """)
        #expect(error?.keyPath == "inputs[0].matches[1]")
        #expect(error?.line == 6)
        #expect(error?.message.hasPrefix("expected FIELD=value") == true)
    }

    @Test("directory and files together are refused")
    func directoryAndFiles() {
        let error = configError("inputs:\n  - {type: journald, id: a, directory: /d, files: [x]}\n")
        #expect(error?.keyPath == "inputs[0].files")
        #expect(error?.message == "set either directory or files, not both")
    }

    @Test("datasets in data_stream mode may not contain dashes")
    func dataStreamDataset() {
        let error = configError("output: {mode: data_stream}\ninputs: [{type: journald, id: a, dataset: my-app}]\n")
        #expect(error?.keyPath == "inputs[0].dataset")
        #expect(error?.message == "must not contain \"-\" (it becomes part of a data stream name)")
        #expect(configError("output: {mode: index}\ninputs: [{type: journald, id: a, dataset: my-app}]\n") == nil)
        // Every input type checks its dataset when the file is read, not when the cluster refuses the index.
        for input in ["{type: infologger, id: il, dataset: my-app}", "{type: syslog, id: s, dataset: my-app, listen: [udp://127.0.0.1:5514]}",
                      "{type: file, id: f, dataset: my-app, paths: [/var/log/x.log]}"] {
            let problem = configError("output: {mode: data_stream}\ninputs: [\(input)]\n")
            #expect(problem?.keyPath == "inputs[0].dataset", "\(input)")
            #expect(problem?.message == "must not contain \"-\" (it becomes part of a data stream name)", "\(input)")
        }
        #expect(configError("inputs: [{type: infologger, id: il, dataset: Detector}]\n")?.message == "must be lowercase (it becomes part of index names)")
        #expect(configError("output: {namespace: Prod}\n" + minimalInputs)?.message == "must be lowercase")
    }

    @Test("TLS files must exist when given")
    func tlsFiles() {
        let error = configError("output: {tls: {ca_file: /nonexistent/ca.pem}}\n" + minimalInputs)
        #expect(error?.keyPath == "output.tls.ca_file")
        #expect(error?.message == "cannot read /nonexistent/ca.pem: No such file or directory")
    }
}
