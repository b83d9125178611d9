/// SavedObjects owns `Dashboards/`: lint, normalise, import and export OpenSearch Dashboards / Kibana saved objects.
enum SavedObjectsModule {}
