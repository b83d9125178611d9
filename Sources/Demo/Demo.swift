/// Demo owns the sample farm journal and the report `make demo` prints.
enum DemoModule {}
