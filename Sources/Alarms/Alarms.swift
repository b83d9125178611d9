/// Alarms owns `logbridge alarms`: YAML rules (ElastAlert 2 vocabulary), scheduled queries, alarm state and sinks.
enum AlarmsModule {}
