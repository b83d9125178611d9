/// Reporting owns what every module reports through, below all of them:
/// - `Metric`, one number a component exports on `/metrics` (Telemetry prints it; the component names it, so
///   the shipper need not know it);
/// - `LogThrottle`, the one way a repeating log line is limited, with the one `suppressed=N` format;
/// - `MonotonicClock` and `WallClock`, the one reading of each clock.
/// It depends on swift-log only, so the inputs, the spool, the listeners, the output and the endpoint can all use it.
enum ReportingModule {}
