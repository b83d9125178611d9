/// FileInput owns `type: file`: tailing log files found by glob through rename and copytruncate rotation
/// (`FileInput`, `TailedFile`), line framing and multiline grouping, the `rfc3164`/`rfc5424`/`plain`/`json`
/// formats, and a checkpoint listing every file's (device, inode, fingerprint, offset) that advances only
/// after the cluster acknowledged.
enum FileInputModule {}
