/// Demo owns the sample data and the report behind `make demo` and `make bench`: `SampleJournal` writes a
/// deterministic ALICE O² farm journal in systemd's journal export format (what `systemd-journal-remote` turns
/// into real journal files), and `DemoReport` summarises what reached the cluster with a few aggregations.
enum DemoModule {}
