/// Config owns `logbridge.yaml`: reading it (`ConfigLoader`), checking every key with `file:line: key.path`
/// errors (`ConfigError`), resolving secrets, the typed settings (`Settings.swift`), and the size and duration
/// notation (`Units.swift`) that other modules reuse.
enum ConfigModule {}
