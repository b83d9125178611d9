import Foundation
import Yams

/// Turns `logbridge.yaml` into a checked `LogBridgeConfig`, or a `ConfigError` saying exactly where it is wrong.
public enum ConfigLoader {
    static let rootKeys = ["state_dir", "logging", "output", "inputs", "metrics", "shutdown_timeout", "patterns", "reports", "health"]

    /// What a command needs from the file. `ship` needs inputs; `setup` and the alarm commands talk to the cluster
    /// only, and run where nothing is shipped (an admin machine, the alarms host): for them `inputs` may be absent.
    public enum Purpose: Sendable {
        case shipping
        case clusterOnly
    }

    /// Reads and checks the configuration file at `path`; secrets named by `*_env` keys come from `environment`.
    public static func load(path: String, purpose: Purpose = .shipping,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LogBridgeConfig {
        let yaml: String
        do { yaml = try FileText.contents(of: path) } catch {
            throw ConfigError(file: path, line: nil, keyPath: "", message: "cannot read configuration: \(error.reason)")
        }
        return try parse(yaml: yaml, path: path, purpose: purpose, environment: environment)
    }

    /// Checks configuration text; `path` names it in messages and anchors relative paths. Inputs that are
    /// present are checked for every purpose, so a file that works for `setup` also works for `ship`.
    public static func parse(yaml: String, path: String, purpose: Purpose = .shipping,
                             environment: [String: String]) throws -> LogBridgeConfig {
        let source = ConfigSource(file: path, environment: environment)
        let document: Node?
        do { document = try Yams.compose(yaml: yaml, .basic) } catch {
            throw syntaxError(error, file: path)
        }
        guard let document else {
            let needed = purpose == .shipping ? "at least one input" : "an output section"
            throw ConfigError(file: path, line: nil, keyPath: "", message: "the file is empty; \(needed) is needed")
        }
        let root = try ConfigMapping(ConfigValue(node: document, keyPath: "", source: source), keys: rootKeys)

        var config = LogBridgeConfig(sourcePath: path)
        if let stateDir = root["state_dir"] { config.stateDirectory = source.resolve(try stateDir.nonEmptyString()) }
        let logging = try root.section("logging", keys: ["level"])
        if let level = logging["level"] { config.logging.level = try level.choice(LoggingSettings.Level.self) }
        config.output = try OutputSection.read(root.section("output", keys: OutputSection.keys))
        config.patterns = try PatternsSection.read(root.section("patterns", keys: PatternsSection.keys))
        (config.inputs, config.patterns.disabledInputs) = try InputsSection.read(
            root["inputs"], in: root, output: config.output, required: purpose == .shipping)
        config.metrics = try MetricsSection.read(root.section("metrics", keys: MetricsSection.keys))
        config.reports = try ReportsSection.read(root.section("reports", keys: ReportsSection.keys))
        config.health = try HealthSection.read(root.section("health", keys: HealthSection.keys))
        if let v = root["shutdown_timeout"] { config.shutdownTimeoutSeconds = try v.positiveSeconds() }
        return config
    }

    /// Yams reports YAML syntax problems with libyaml's mark; keep the same `file:line:` shape as every other error.
    package static func syntaxError(_ error: any Error, file: String) -> ConfigError {
        guard let yamlError = error as? YamlError else {
            return ConfigError(file: file, line: nil, keyPath: "", message: "not valid YAML: \(error)")
        }
        switch yamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            // libyaml notices a problem where it gives up, which can be lines after the cause; name where that began.
            let detail = context.map { "\(problem) \($0.text)" + ($0.mark.line != mark.line ? " started on line \($0.mark.line)" : "") } ?? problem
            return ConfigError(file: file, line: mark.line, keyPath: "", message: "not valid YAML: \(detail)")
        case let .reader(problem, _, _, _):
            return ConfigError(file: file, line: nil, keyPath: "", message: "not valid YAML: \(problem)")
        default:
            return ConfigError(file: file, line: nil, keyPath: "", message: "not valid YAML: \(yamlError)")
        }
    }
}
