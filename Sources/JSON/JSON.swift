/// JSON owns the one typed JSON value of LogBridge (`JSONValue`), its reader for bytes from outside
/// (`JSONValue(parsing:)`: cluster answers, saved-object files, `Mappings/`) and its writer (compact or the
/// indented form of `Mappings/`, keys sorted or not).
///
/// A module of its own, with no dependencies, so that everything above it can share it without pulling in the
/// others and the module graph stays acyclic: `Bulk` (the cluster's `GET /`) sits below `Setup`, `Reports` and
/// `Alarms`, which sit on different branches, and `fuzz-json` builds it alone in seconds. Not in `ECS`: the
/// per-event encoders write their bytes straight into bulk bodies without building a value, and `Setup` has no
/// other reason to depend on them. `Bulk`'s `_bulk` answer scanner (`BulkResponseScanner`) stays a streaming
/// reader of its own: it reads one field per item of answers of thousands of items without building them.
enum JSONModule {}
