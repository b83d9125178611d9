/// Shipper owns one running `logbridge ship`: it wires inputs to the output, persists checkpoints as
/// acknowledgements arrive (never before), and stops cleanly.
///
/// The flow of an event: input → decode → ECS document → batch → bulk → acknowledgement → checkpoint.
enum ShipperModule {}
