/// Alarms owns `logbridge alarms` and `logbridge rules`: detection rules written in ElastAlert 2's vocabulary
/// (one YAML file per rule), run on a schedule as count and aggregation queries (batched in `_msearch`), turned
/// into alarms raised, re-notified and cleared per rule and key, and delivered to several sinks (O² monitoring
/// line protocol, Alertmanager, webhooks, InfoLogger, the alarm index). Besides ElastAlert's types, the pattern
/// alarms `new_pattern` and `pattern_rate` (`PatternRules`) read the `log.pattern.id` the shipper's miner
/// (`Patterns`) gives every message, and the pattern catalogue.
///
/// Everything an instance must remember lives in the cluster (`logbridge-alarms-state`): each rule's progress
/// (where its last window ended) and lease, active alarms, silences, `new_term` baselines, match ledgers and announced new patterns. A restart resumes
/// where it stopped instead of flooding, and two instances share the work through per-rule leases written with
/// optimistic concurrency.
enum AlarmsModule {}
