/// Config owns `logbridge.yaml`: reading it, checking every key with file/line/key errors, and the typed settings.
enum ConfigModule {}
