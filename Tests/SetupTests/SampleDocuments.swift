/// One document of every dataset, shaped as the inputs write them, for the live mapping checks.
enum SampleDocuments {
    static let journal = #"""
    {"@timestamp":"2026-11-29T00:10:13.123456Z","message":"Started Daily apt upgrade.","log":{"level":"info","syslog":{"priority":6,"severity":{"code":6,"name":"info"},"facility":{"code":3,"name":"daemon"},"appname":"systemd","procid":"1"},"origin":{"file":{"name":"src/core/job.c","line":768},"function":"job_log_done"}},"host":{"name":"node1","id":"4f1c0d5e2b7a4c8e9d0f1a2b3c4d5e6f"},"process":{"pid":1,"thread":{"id":1},"name":"systemd","executable":"/usr/lib/systemd/systemd","command_line":"/sbin/init"},"user":{"id":"0"},"group":{"id":"0"},"systemd":{"unit":"apt-daily-upgrade.service","slice":"system.slice","cgroup":"/init.scope","invocation_id":"a1b2c3"},"journald":{"boot_id":"b00710","transport":"journal","message_id":"39f53479d3a045ac8e11786248231fbf","monotonic_timestamp":123456789,"errno":2,"custom":{"request_id":"r-42","tenant":"blue"}},"event":{"dataset":"system.journal","kind":"event","original":"MESSAGE=Started Daily apt upgrade."},"tags":["prod"],"agent":{"type":"logbridge","name":"node1","version":"0.1.0","id":"agent-1"},"ecs":{"version":"8.11.0"},"unexpected":"a field no template names"}
    """#

    static let syslog = #"""
    {"@timestamp":"2026-11-29T00:10:14.000001Z","message":"connection accepted","log":{"level":"notice","syslog":{"priority":29,"severity":{"code":5,"name":"notice"},"facility":{"code":3,"name":"daemon"},"appname":"sshd","procid":"812","hostname":"edge1","msgid":"ID47","structured_data":{"exampleSDID@32473":{"iut":"3"}},"version":"1"}},"source":{"ip":"192.0.2.10"},"event":{"dataset":"system.syslog","kind":"event","original":"<29>1 2026-11-29T00:10:14.000001Z edge1 sshd 812 ID47 - connection accepted"},"ecs":{"version":"8.11.0"}}
    """#

    static let infologger = #"""
    {"@timestamp":"2026-11-29T00:10:15.250000Z","message":"readout started","infologger":{"severity":"I","level":1,"level_class":"ops","rolename":"flp001","system":"FLP","facility":"readout","detector":"TPC","partition":"2abc","run":567890},"error":{"code":"0"},"user":{"name":"flp"},"event":{"dataset":"infologger","kind":"event"},"ecs":{"version":"8.11.0"}}
    """#

    static let deadLetter = #"""
    {"@timestamp":"2026-11-29T00:10:16.000000Z","event":{"original":"{\"process\":{\"pid\":\"abc\"}}","kind":"pipeline_error"},"error":{"type":"mapper_parsing_exception","message":"failed to parse field [process.pid]"},"logbridge":{"index":"logs-system.journal-2026.11.29","id":"abc123","input":"journal"}}
    """#

    static let all: [(index: String, document: String)] = [
        ("logs-system.journal-2026.11.29", journal),
        ("logs-system.syslog-2026.11.29", syslog),
        ("logs-infologger-2026.11.29", infologger),
        ("logbridge-dlq-2026.11.29", deadLetter),
    ]
}
