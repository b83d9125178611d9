/// The incidents `make demo` injects into the sample farm, one per shipped rule in `deploy/rules/`, so the demo
/// raises exactly these alarms and nothing else (`demo generate --incidents` prints them as `rule key` lines;
/// `ShippedRulesTests` and `deploy/demo/demo.sh` compare them with what was raised).
///
/// With incidents, the background is quiet: no err-or-worse lines and none of the lines the shipped rules count
/// (sshd authentication failures, systemd restart jobs), so an alarm means an incident. To add one: append an
/// `Incident` with the rule's name, the key it alarms on and its entries.
///
/// The two pattern incidents (`new-pattern-per-host`, `pattern-rate`) need documents that carry `log.pattern.id`,
/// i.e. the shipper's pattern mining; a `pattern-rate` key ends with the pattern id, which the shipper's miner
/// gives, so it is listed as `<pattern>` (the demo compares keys with the id replaced the same way).
public struct FarmIncident: Sendable {
    public let rule: String
    /// The alarm key the rule raises for it (`query_key` values joined by `/` in field-name order).
    public let key: String
    /// Entries, each at an offset in seconds from the end of the background (negative: before it).
    let entries: [Entry]

    struct Entry {
        var offset: Double
        var host: Int
        var service: Service
        var priority: UInt8
        var message: String
        var code: (file: String, line: Int, function: String)? = nil
    }

    /// Which of a host's services writes the entry (its journald fields).
    enum Service {
        case readout, qualityControl, sshd, systemd, kernel
        /// The `SYSLOG_IDENTIFIER` of the catalog's service.
        var identifier: String {
            switch self {
            case .readout: "readout"
            case .qualityControl: "o2-qc"
            case .sshd: "sshd"
            case .systemd: "systemd"
            case .kernel: "kernel"
            }
        }
    }

    /// The hosts an incident list needs: the silent one is the last host, the rate incident is on the seventh.
    public static let hostsNeeded = 8

    /// How a `pattern-rate` key's pattern id is written in an incident list.
    public static let patternPlaceholder = "<pattern>"

    /// The host (index) that goes silent: the last FLP host.
    static func silentHost(hosts: Int) -> Int { hosts - 1 }

    /// One incident per shipped rule; `hosts` FLP hosts, the last of which goes silent.
    static func all(hosts: Int) -> [FarmIncident] {
        func name(_ n: Int) -> String { "flp" + String(repeating: "0", count: max(0, 3 - String(n).count)) + String(n) }
        let dma = (file: "src/ReadoutEquipmentRORC.cxx", line: 512, function: "ReadoutEquipmentRORC::populateFifoOut")
        let silent = silentHost(hosts: hosts)
        let rateHistory: [Entry] = (0..<22).map { (n: Int) -> Entry in
            Entry(offset: -7200 + Double(n) * 300, host: 6, service: .readout, priority: FarmCatalog.warning,
                  message: "Readout: dropped \(n % 5 + 1) superpages on link \(n % 12), FIFO full")
        }
        let rateBurst: [Entry] = (0..<60).map { (n: Int) -> Entry in
            Entry(offset: -100 + Double(n), host: 6, service: .readout, priority: FarmCatalog.warning,
                  message: "Readout: dropped \(n % 17 + 1) superpages on link \(n % 12), FIFO full")
        }
        return [
            // 25 errors within a minute on one host (the rule: ≥ 20 err-or-worse lines in 5 minutes).
            FarmIncident(rule: "error-burst-per-host", key: name(2), entries: (0..<25).map {
                Entry(offset: -100 + Double($0) * 2, host: 1, service: .readout, priority: FarmCatalog.err,
                      message: "Equipment ROC-1: DMA timeout on card #0 endpoint 1, link \($0 % 12)", code: dma)
            }),
            // readout.service failing and restarted four times (≥ 3 restart jobs in 15 minutes).
            FarmIncident(rule: "unit-restart-loop", key: name(3), entries: (0..<4).map {
                Entry(offset: -140 + Double($0) * 20, host: 2, service: .systemd, priority: FarmCatalog.info,
                      message: "readout.service: Scheduled restart job, restart counter is at \($0 + 1).",
                      code: ("src/core/service.c", 2454, "service_enter_restart"))
            }),
            // Password guessing: 12 failures from one address (≥ 10 in 10 minutes).
            FarmIncident(rule: "sshd-auth-failures", key: name(4), entries: (0..<12).map {
                Entry(offset: -130 + Double($0) * 5, host: 3, service: .sshd, priority: FarmCatalog.info,
                      message: "Failed password for invalid user admin from 10.162.3.4 port \(40000 + $0) ssh2")
            }),
            FarmIncident(rule: "kernel-io-oom", key: name(5), entries: [
                Entry(offset: -90, host: 4, service: .kernel, priority: FarmCatalog.err,
                      message: "Out of memory: Killed process 48213 (o2-readout-exe) total-vm:61234567kB, anon-rss:48123456kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:98765kB oom_score_adj:0"),
            ]),
            // The DMA timeout's source location was seen yesterday (the burst above is a known error source);
            // QC's exception at this location never was.
            FarmIncident(rule: "new-error-source", key: "321/src/TaskRunner.cxx/o2-qc", entries: [
                Entry(offset: -86_400, host: 1, service: .readout, priority: FarmCatalog.err,
                      message: "Equipment ROC-0: DMA timeout on card #1 endpoint 0, link 3", code: dma),
                Entry(offset: -80, host: 5, service: .qualityControl, priority: FarmCatalog.err,
                      message: "Exception caught in task TPCClusters: std::out_of_range: vector::_M_range_check",
                      code: ("src/TaskRunner.cxx", 321, "o2::quality_control::core::TaskRunner::run")),
            ]),
            // The last host logs until 20 minutes before the end, then nothing (the rule: a host that logged in
            // the last hour sent nothing for 10 minutes).
            FarmIncident(rule: "host-silent", key: name(silent + 1), entries: (0..<5).map {
                Entry(offset: -1500 + Double($0) * 60, host: silent, service: .readout, priority: FarmCatalog.info,
                      message: "Stats: rx \(20000 + $0) pages, 0 dropped, memory pool 80% free")
            }),
            // Kinds of error flp001 never logged: a GPU and a network failure, 70 s before the end. Its one error
            // of yesterday (another kind) gives it a history; three lines are no error burst, they name no source
            // location (new-error-source) and are not the kernel's (kernel-io-oom).
            FarmIncident(rule: "new-pattern-per-host", key: name(1), entries: [
                Entry(offset: -86_400, host: 0, service: .readout, priority: FarmCatalog.err,
                      message: "Equipment ROC-0: firmware version mismatch, expected 3.12.0 got 3.11.4"),
                Entry(offset: -70, host: 0, service: .readout, priority: FarmCatalog.err,
                      message: "GPU 3: ECC double-bit error at address 0x7f3a2c00, page retired"),
                Entry(offset: -69, host: 0, service: .readout, priority: FarmCatalog.err,
                      message: "NVRM: Xid 79, GPU has fallen off the bus"),
                Entry(offset: -60, host: 0, service: .readout, priority: FarmCatalog.crit,
                      message: "ib0: link state changed to DOWN after 4 retries"),
            ]),
            // A warning that usually comes twice per 10 minutes (for two hours) comes 60 times in a minute on
            // flp007: 30 × its median, never an error (no error burst), so only the rate rule sees it.
            FarmIncident(rule: "pattern-rate", key: name(7) + "/" + patternPlaceholder, entries: rateHistory + rateBurst),
        ]
    }
}
