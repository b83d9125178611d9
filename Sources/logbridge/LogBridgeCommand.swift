import ArgumentParser

/// The `logbridge` command line: each subcommand is one job an operator runs.
@main
struct LogBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logbridge",
        abstract: "Ship logs to Elasticsearch/OpenSearch as ECS documents, raise alarms on them, and report on them.",
        // One paragraph per line: the argument parser wraps them to the terminal; examples stay one per line.
        discussion: """
            `ship` reads journald, syslog (UDP, TCP, TLS), log files and ALICE InfoLogger, and delivers every event \
            once: each document has a deterministic _id sent with `create`, and an input's checkpoint moves only \
            after the cluster acknowledged everything before it. `setup` installs the index templates and \
            lifecycle policies, `dashboards` keeps the saved dashboards, `rules` checks alarm rules, `alarms` runs \
            them, `patterns` mines log templates, `report` writes what happened in a shift or a run, and `demo` makes a \
            sample farm to try it all on.

            Examples:
              logbridge ship --config /etc/logbridge/logbridge.yaml
              logbridge setup --config /etc/logbridge/logbridge.yaml --dry-run
              logbridge dashboards lint
              logbridge rules lint /etc/logbridge/rules
              logbridge alarms run --config /etc/logbridge/logbridge.yaml
              logbridge patterns mine /var/log/syslog --summary
              logbridge report --shift --format html,md --out /var/tmp/shift
              logbridge demo generate --hosts 8

            Configuration: docs/configuration.md. Fields: docs/fields.md. Alarms: docs/alarms.md. Reports: docs/reports.md.
            """,
        version: "logbridge \(BuildInfo.version)",
        subcommands: [Ship.self, SetupCommand.self, DemoCommand.self, DashboardsCommand.self, AlarmsCommand.self, RulesCommand.self, PatternsCommand.self, ReportGroup.self, Version.self]
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
