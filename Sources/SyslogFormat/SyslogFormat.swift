/// SyslogFormat owns the syslog wire format of one line: RFC 3164/5424 parsing (`SyslogParser` into a
/// `SyslogMessage` of ranges), the time zones that make RFC 3164 times absolute (`SyslogTimeZone`), and the ECS
/// document written from it (`SyslogDocumentEncoder`, `StructuredDataWriter`). Both `SyslogInput` (network)
/// and `FileInput` (`rfc3164`/`rfc5424`/`plain` files) use it; it knows no socket, so the file input carries no
/// SwiftNIO or TLS.
enum SyslogFormatModule {}
