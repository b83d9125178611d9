/// SyslogInput owns `type: syslog`: RFC 3164/5424 parsing (`SyslogParser`, also used by the file input),
/// the ECS document (`SyslogDocumentEncoder`), RFC 6587 framing, and the UDP/TCP/TLS listeners (SwiftNIO)
/// whose messages are appended to the input's durable spool off the event loop (`SyslogReceiver`).
enum SyslogInputModule {}
