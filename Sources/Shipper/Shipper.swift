/// Shipper owns one running `logbridge ship`: it wires inputs to the output, persists checkpoints as
/// acknowledgements arrive, and stops cleanly.
enum ShipperModule {}
