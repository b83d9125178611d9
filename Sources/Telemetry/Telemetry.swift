/// Telemetry owns what LogBridge says about itself: the Prometheus text format (`PrometheusText`), the HTTP
/// endpoint serving `/metrics`, `/health` and `/ready` (`ProbeEndpoint`), the readiness rule (`Readiness`) and
/// a log handler that keeps an error storm from becoming a log storm (`RateLimitedLogHandler`).
///
/// It knows nothing of inputs or outputs: the shipper renders its own counters into `PrometheusText`.
enum TelemetryModule {}
