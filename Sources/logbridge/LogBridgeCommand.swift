import ArgumentParser

/// The `logbridge` command line: each subcommand is one job an operator runs.
@main
struct LogBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logbridge",
        abstract: "Ship journald logs into Elasticsearch/OpenSearch as ECS documents, without losing a line.",
        discussion: """
            Typical use on a farm node:
              logbridge setup --config /etc/logbridge/logbridge.yaml     # once: templates and lifecycle policies
              logbridge ship  --config /etc/logbridge/logbridge.yaml     # the service (see deploy/logbridge.service)

            Every event is sent with a deterministic _id and the `create` action, and an input's checkpoint
            moves only after the cluster acknowledged everything before it: a crash or restart re-sends at most
            what was in flight, and the cluster answers those with "already exists".
            Configuration reference: docs/configuration.md. Field reference: docs/fields.md.
            """,
        version: "logbridge \(BuildInfo.version)",
        subcommands: [Ship.self, SetupCommand.self, DemoCommand.self, DashboardsCommand.self, AlarmsCommand.self, RulesCommand.self, PatternsCommand.self, ReportCommand.self, Version.self]
    )
}

enum BuildInfo {
    static let version = "0.1.0"
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version and the ECS version written.")
    func run() {
        print("logbridge \(BuildInfo.version) (ECS 8.11.0)")
    }
}
