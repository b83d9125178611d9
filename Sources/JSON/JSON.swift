/// JSON owns the one typed JSON value of LogBridge (`JSONValue`), its reader for bytes from outside
/// (`JSONValue(parsing:)`: cluster answers, saved-object files, `Mappings/`) and its writer (compact or the
/// indented form of `Mappings/`, keys sorted or not).
///
/// A module of its own, with no dependencies, so that everything above it can share it without pulling in the
/// others: `Setup` and `Reports` (templates, answers) and `Alarms` (queries, answers, alarm documents) sit on
/// different branches of the module graph, and `fuzz-json` builds it alone in seconds. The per-event encoders
/// (`ECS`) do not use it: they write their bytes straight into bulk bodies without building a value first.
enum JSONModule {}
