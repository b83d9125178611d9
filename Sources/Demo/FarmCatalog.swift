/// What an ALICE O² farm logs: the services of an FLP (readout, STF builder, QC) and an EPN (TF builder, QC),
/// the system services around them, and their lines with realistic severities and weights.
///
/// Weights are per mille within a service; the emerg/alert/crit lines are rare on purpose, as on a real farm.
enum FarmCatalog {
    static let emerg: UInt8 = 0, alert: UInt8 = 1, crit: UInt8 = 2, err: UInt8 = 3
    static let warning: UInt8 = 4, notice: UInt8 = 5, info: UInt8 = 6, debug: UInt8 = 7

    static let operatorUsers = ["flp", "o2operator", "alicesw", "root"].map(\.bytes)
    static let scannedUsers = ["admin", "test", "oracle", "ubuntu", "postgres", "git", "pi", "guest", "ftpuser", "support"]
        .map(\.bytes)
    static let detectors = ["TPC", "TPC", "TPC", "ITS", "MFT", "TOF", "TRD", "MCH", "MID", "FT0", "EMC", "PHS",
                            "CPV", "ZDC", "HMP", "FDD", "FV0"].map(\.bytes)
    static let taskSuffixes = ["Clusters", "Digits", "RawData", "Tracks"].map(\.bytes)
    static let units: [(name: [UInt8], description: [UInt8])] = [
        ("readout.service", "O2 Readout"), ("stfbuilder.service", "O2 STF Builder"),
        ("o2-qc.service", "O2 Quality Control"), ("logrotate.service", "Rotate log files"),
        ("chronyd.service", "NTP client/server"), ("dnf-makecache.service", "dnf makecache"),
        ("sysstat-collect.service", "system activity accounting tool"), ("sssd.service", "System Security Services Daemon"),
    ].map { ($0.0.bytes, $0.1.bytes) }

    static func readout(pid: Int, host: String) -> FarmService {
        let equipment = (file: "src/ReadoutEquipmentRORC.cxx", line: 512, function: "ReadoutEquipmentRORC::populateFifoOut")
        let loop = (file: "src/mainReadout.cxx", line: 1530, function: "Readout::iterateRunning")
        return FarmService(
            unit: "readout.service", comm: "o2-readout-exe", executable: "/opt/o2/bin/o2-readout-exe",
            commandLine: "/opt/o2/bin/o2-readout-exe file:/etc/o2/readout-\(host).cfg", identifier: "readout",
            transport: .journal, facility: nil, uid: 1000, pid: pid, carriesRunContext: true, templates: [
                MessageTemplate(info, 480, "Equipment ROC-{n:1-3}: {n:800-1400} superpages received, {f:8-14} GB/s", code: equipment),
                MessageTemplate(info, 120, "Stats: rx {n:10000-90000} pages, {n:0-3} dropped, memory pool {n:60-99}% free", code: loop),
                MessageTemplate(debug, 150, "Equipment ROC-{n:1-3}: link {n:0-11} timeframe {n:100000-999999} complete, {n:1-32} HBF", code: equipment),
                MessageTemplate(notice, 60, "Run {run} started for detector {det}, {n:2-6} equipments enabled"),
                MessageTemplate(notice, 40, "Run {run} stopped, {n:1000-90000} timeframes read out"),
                MessageTemplate(warning, 80, "Equipment ROC-{n:1-3}: superpage FIFO full, {n:1-120} pages dropped", code: equipment),
                MessageTemplate(warning, 30, "Memory pool {n:0-9}% free, throttling readout", code: loop),
                MessageTemplate(err, 30, "Equipment ROC-{n:1-3}: DMA timeout on card #{n:0-1} endpoint {n:0-1}, link {n:0-11}", code: equipment),
                MessageTemplate(crit, 3, "Memory bank allocation failed: cannot allocate {n:8-64} GB of hugepages"),
                MessageTemplate(alert, 1, "CRU #{n:0-1} firmware not responding, aborting run {run}"),
                MessageTemplate(err, 1, """
                    Exception in readout loop: std::runtime_error: DMA channel closed
                      #0 o2::roc::CruDmaChannel::readoutPage() at CruDmaChannel.cxx:{n:200-900}
                      #1 ReadoutEquipmentRORC::populateFifoOut() at ReadoutEquipmentRORC.cxx:512
                      #2 Readout::iterateRunning() at mainReadout.cxx:1530
                    """, code: equipment),
            ])
    }

    static func stfBuilder(pid: Int, host: String, epn: Bool) -> FarmService {
        let name = epn ? "TfBuilder" : "StfBuilder"
        let frame = epn ? "TF" : "STF"
        return FarmService(
            unit: epn ? "tfbuilder.service" : "stfbuilder.service", comm: name, executable: "/opt/o2/bin/\(name)",
            commandLine: "/opt/o2/bin/\(name) --id \(frame.lowercased())b-\(host) --dpl-channel-name=\(frame.lowercased())-to-dpl",
            identifier: name, transport: .stdout, facility: 3, uid: 1000, pid: pid, carriesRunContext: true, templates: [
                MessageTemplate(info, 600, "\(frame) {n:100000-999999} built: {n:2-24} equipment, {f:10-90} MiB, {n:1-5} ms"),
                MessageTemplate(debug, 150, "Sending \(frame) to DPL channel '\(frame.lowercased())-to-dpl' ({n:0-3} queued)"),
                MessageTemplate(notice, 50, "Run {run}: \(name) state RUNNING"),
                MessageTemplate(warning, 120, "\(frame) sequence gap: {n:1-9} timeframes missing after \(frame) {n:100000-999999}"),
                MessageTemplate(err, 40, "Sending \(frame) {n:100000-999999} to DPL failed: channel timeout after {n:1000-5000} ms"),
                MessageTemplate(crit, 2, "Readout channel closed unexpectedly, \(name) exiting"),
            ])
    }

    static func qualityControl(pid: Int, host: String) -> FarmService {
        FarmService(
            unit: "o2-qc.service", comm: "o2-qc", executable: "/opt/o2/bin/o2-qc",
            commandLine: "/opt/o2/bin/o2-qc --config consul-json://alio2-cr1-hv-con01:8500/o2/components/qc/\(host)",
            identifier: "o2-qc", transport: .syslog, facility: 16, uid: 1000, pid: pid, carriesRunContext: true, templates: [
                MessageTemplate(info, 500, "Task {task}: cycle {n:1-400} finished, {n:20-400} objects published"),
                MessageTemplate(debug, 150, "Task {task}: monitor object {n:1-400} updated"),
                MessageTemplate(notice, 80, "Starting QC task {task} for run {run}"),
                MessageTemplate(warning, 150, "Check {task}Check: quality Medium ({n:1-50} bad channels)"),
                MessageTemplate(err, 60, "Failed to store object qc/{det}/MO/{task} in CCDB: HTTP 503 Service Unavailable"),
                MessageTemplate(crit, 2, "Task {task}: no data received for {n:60-600} s"),
                MessageTemplate(err, 2, """
                    Exception caught in task {task}: std::out_of_range: vector::_M_range_check
                      at o2::quality_control::core::TaskRunner::run() TaskRunner.cxx:{n:100-600}
                      at o2::framework::DataProcessingDevice::doRun() DataProcessingDevice.cxx:{n:1000-2000}
                    """),
            ])
    }

    static let sshd = FarmService(
        unit: "sshd.service", comm: "sshd", executable: "/usr/sbin/sshd", commandLine: "sshd: unknown [priv]",
        identifier: "sshd", transport: .syslog, facility: 10, uid: 0, pid: nil, templates: [
            MessageTemplate(info, 250, "Failed password for invalid user {baduser} from {ip} port {n:1024-65535} ssh2"),
            MessageTemplate(info, 200, "Invalid user {baduser} from {ip} port {n:1024-65535}"),
            MessageTemplate(info, 250, "Accepted publickey for {user} from {ip} port {n:1024-65535} ssh2: ED25519 SHA256:{fp}"),
            MessageTemplate(notice, 120, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root"),
            MessageTemplate(info, 150, "Connection closed by authenticating user root {ip} port {n:1024-65535} [preauth]"),
            MessageTemplate(info, 80, "pam_unix(sshd:session): session opened for user {user}(uid=1000) by (uid=0)"),
            MessageTemplate(err, 20, "error: maximum authentication attempts exceeded for invalid user {baduser} from {ip} port {n:1024-65535} ssh2 [preauth]"),
            MessageTemplate(err, 10, "error: kex_exchange_identification: Connection closed by remote host"),
        ])

    static let systemd: FarmService = {
        let started = [("MESSAGE_ID", "39f53479d3a045ac8e11786248231fbf")]
        let exited = [("MESSAGE_ID", "98e322203f7a4ed290d09fe03c09fe15")]
        let failed = [("MESSAGE_ID", "d9b373ed55a64feb8242e02dbe79a49c")]
        return FarmService(
            unit: "init.scope", comm: "systemd", executable: "/usr/lib/systemd/systemd",
            commandLine: "/usr/lib/systemd/systemd --switched-root --system --deserialize 31", identifier: "systemd",
            transport: .journal, facility: 3, uid: 0, pid: 1, templates: [
                MessageTemplate(info, 300, "Started {unit} - {desc}.", fields: started,
                                code: ("src/core/job.c", 768, "job_emit_done_message")),
                MessageTemplate(info, 200, "Starting {unit} - {desc}...", code: ("src/core/job.c", 581, "job_emit_start_message")),
                MessageTemplate(info, 60, "{unit}: Deactivated successfully.", code: ("src/core/unit.c", 5553, "unit_log_success")),
                MessageTemplate(info, 60, "{unit}: Consumed {f:1-900}s CPU time.", code: ("src/core/unit.c", 2391, "unit_log_resources")),
                MessageTemplate(notice, 80, "{unit}: Main process exited, code=exited, status=1/FAILURE", fields: exited,
                                code: ("src/core/service.c", 3411, "service_sigchld_event")),
                MessageTemplate(warning, 80, "{unit}: Failed with result 'exit-code'.", fields: failed,
                                code: ("src/core/unit.c", 5569, "unit_log_failure")),
                MessageTemplate(info, 80, "{unit}: Scheduled restart job, restart counter is at {n:1-5}.",
                                code: ("src/core/service.c", 2454, "service_enter_restart")),
                MessageTemplate(err, 5, "Failed to start {unit} - {desc}.", code: ("src/core/job.c", 768, "job_emit_done_message")),
            ])
    }()

    static let kernel = FarmService(
        unit: "", comm: "", executable: "", commandLine: "", identifier: "kernel",
        transport: .kernel, facility: 0, uid: 0, pid: nil, templates: [
            MessageTemplate(info, 300, "ixgbe 0000:3b:00.0 enp59s0f0: NIC Link is Up 10 Gbps, Flow Control: RX/TX"),
            MessageTemplate(info, 150, "perf: interrupt took too long ({n:2501-4000} > 2500), lowering kernel.perf_event_max_sample_rate to {n:40000-79000}"),
            MessageTemplate(warning, 100, "TCP: request_sock_TCP: Possible SYN flooding on port 22. Sending cookies.  Check SNMP counters."),
            MessageTemplate(notice, 60, "device enp59s0f0 entered promiscuous mode"),
            MessageTemplate(err, 60, "Out of memory: Killed process {n:2000-99999} (o2-readout-exe) total-vm:{n:20000000-90000000}kB, anon-rss:{n:8000000-60000000}kB, file-rss:0kB, shmem-rss:{n:0-900000}kB, UID:1000 pgtables:{n:20000-120000}kB oom_score_adj:0"),
            MessageTemplate(err, 60, "blk_update_request: I/O error, dev sdb, sector {n:10000-999999999} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0",
                            fields: [("_KERNEL_DEVICE", "b8:16"), ("_KERNEL_SUBSYSTEM", "block"),
                                     ("_UDEV_SYSNAME", "sdb"), ("_UDEV_DEVNODE", "/dev/sdb")]),
            MessageTemplate(crit, 10, "CPU{n:0-63}: Core temperature above threshold, cpu clock throttled (total events = {n:1-5000})"),
            MessageTemplate(alert, 3, "md/raid1:md0: Disk failure on sdb1, disabling device."),
            MessageTemplate(emerg, 1, "mce: [Hardware Error]: CPU {n:0-63}: Machine Check Exception: 5 Bank 4: b200000000070f0f"),
            MessageTemplate(debug, 30, "cru 0000:{n:10-99}:00.0: DMA buffer registered, {n:1000-65000} pages"),
        ])

    static let crond = FarmService(
        unit: "crond.service", comm: "crond", executable: "/usr/sbin/crond", commandLine: "/usr/sbin/crond -n",
        identifier: "CROND", transport: .syslog, facility: 9, uid: 0, pid: nil, templates: [
            MessageTemplate(info, 600, "(root) CMD (/opt/o2/bin/o2-flp-housekeeping.sh)"),
            MessageTemplate(info, 200, "(flp) CMD (run-parts /etc/cron.hourly)"),
            MessageTemplate(info, 200, "pam_unix(crond:session): session opened for user root(uid=0) by (uid=0)"),
            MessageTemplate(err, 5, "(CRON) error (grandchild #{n:1000-99999} failed with exit status 1)"),
        ])
}
