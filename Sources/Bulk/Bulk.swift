/// Bulk owns talking to the cluster over libcurl: cluster detection (`ClusterClient`), `_bulk` requests in
/// flight (`BulkOutput`), per-item outcomes, retries with backoff, host failover and the dead-letter path
/// (dead-letter index, then a local file).
enum BulkModule {}
