/// Alarms owns `logbridge alarms` and `logbridge rules`: detection rules written in ElastAlert 2's vocabulary
/// (one YAML file per rule), run on a schedule as count and aggregation queries (batched in `_msearch`), turned
/// into alarms raised, re-notified and cleared per rule and key, and delivered to several sinks (O² monitoring
/// line protocol, Alertmanager, webhooks, InfoLogger, the alarm index).
///
/// Everything an instance must remember lives in the cluster (`logbridge-alarms-state`): each rule's progress
/// (where its last window ended) and lease, active alarms, silences and `new_term` baselines. A restart resumes
/// where it stopped instead of flooding, and two instances share the work through per-rule leases written with
/// optimistic concurrency.
enum AlarmsModule {}
