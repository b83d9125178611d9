/// Setup owns installing `Mappings/` (templates, lifecycle policies) into the detected cluster, idempotently.
enum SetupModule {}
