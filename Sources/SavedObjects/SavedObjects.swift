/// SavedObjects owns `Dashboards/`: OpenSearch Dashboards / Kibana saved objects kept as NDJSON, one file per
/// dashboard, in a normal form that diffs line by line.
///
/// `SavedObjectFile` reads and prints that form (nested JSON strings normalised too); `DashboardLinter` checks
/// a directory offline — references resolve, ids are stable, every field a panel uses exists in `Mappings/` with
/// a type that supports the use (`FieldCatalog`); `PanelSearch` turns a panel into the search request the
/// dashboard would send, so tests can run every panel against a live engine; `DashboardsClient` imports and
/// exports through the saved-objects API. `docs/dashboards.md` describes the files and the rules.
enum SavedObjectsModule {}
