/// Inputs owns what every input shares and nothing of any one of them: the `Input` protocol (what the shipper
/// needs from an input), `InputContext` and `InputCounters`, `SpooledInput` with its `SpoolReceiver` (the
/// durable spool in front of a network input), and `PageRelease`. The inputs are modules of their own
/// (`JournaldInput`, `SyslogInput`, `FileInput`, `InfoLoggerInput`); docs/adding-an-input.md.
enum InputsModule {}
