/// SyslogInput owns `type: syslog`: RFC 3164/5424 parsing, UDP/TCP/TLS listeners (SwiftNIO) writing into the spool.
enum SyslogInputModule {}
