/// Telemetry owns what LogBridge says about itself: counters and histograms, the Prometheus text endpoint and /health.
enum TelemetryModule {}
