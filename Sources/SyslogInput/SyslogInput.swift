/// SyslogInput owns `type: syslog`: RFC 6587 framing (`SyslogFramer`) and the UDP/TCP/TLS listeners (SwiftNIO)
/// whose messages are parsed and encoded with `SyslogFormat` and appended to the input's durable spool off the
/// event loop (`SyslogReceiver`, `SyslogRecordEncoder`).
enum SyslogInputModule {}
