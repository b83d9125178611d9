/// Setup owns installing `Mappings/` (templates, lifecycle policies) into the detected cluster, idempotently.
///
/// `MappingSet` reads and checks the flavour-neutral files; `SetupPlan` turns them into the objects one
/// `SetupTarget` (flavour + version) needs, offline; `SetupRunner` compares each with what the cluster has
/// (by `version`) and writes only what is missing or older. `docs/mappings.md` describes the files.
enum SetupModule {}
