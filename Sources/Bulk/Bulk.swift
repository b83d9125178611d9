/// Bulk owns talking to the cluster over libcurl: cluster detection, `_bulk` requests in flight, per-item
/// outcomes, retries with backoff, host failover and the dead-letter path.
enum BulkModule {}
