import ArgumentParser
import Bulk
import Setup

struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Install index templates and lifecycle policies from Mappings/ into the cluster.",
        discussion: """
            Detects the cluster (Elasticsearch 7/8, OpenSearch 1–3) and installs what its flavour needs:
            component and index templates (legacy _template before Elasticsearch 7.8), an ILM policy on
            Elasticsearch or an ISM policy on OpenSearch. Idempotent: each object carries a version, and only
            missing or older objects are written; the report says created, updated (old → new) or unchanged.
            Exits non-zero with the cluster's reason when anything is rejected.
            """)

    @Option(name: .shortAndLong, help: "Configuration file (YAML); its `output` section names the cluster.")
    var config: String = "/etc/logbridge/logbridge.yaml"

    @Option(help: "Directory holding the Mappings (default: next to the installation, or /usr/share/logbridge/Mappings).")
    var mappings: String?

    @Flag(help: "Show the requests that would be sent, without writing anything.")
    var dryRun = false

    func run() throws {
        let cfg = try loadConfig(config, purpose: .clusterOnly)
        let logger = makeLogger(cfg.logging)
        let client = try ClusterClient(settings: cfg.output)
        do {
            let runner = try SetupRunner(mappingsDirectory: mappings, client: client, logger: logger)
            print(try runner.run(dryRun: dryRun))
        } catch {
            throw ValidationFailure("setup failed: \(error)")
        }
    }
}
