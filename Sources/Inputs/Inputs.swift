/// Inputs owns reading sources (journald first) and turning each record into an ECS document in a batch.
enum InputsModule {}
