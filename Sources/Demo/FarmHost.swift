/// One machine of the sample farm: its identity (machine id, boot id, boot time), the detector and partition
/// it serves, and, per service, the fields journald would attach to every entry, preformatted once.
struct FarmHost {
    let name: [UInt8]
    let detector: [UInt8]
    /// Realtime of this boot, so `__MONOTONIC_TIMESTAMP` counts from it.
    let bootedAt: UInt64
    let services: [FarmService]
    let cumulativeWeights: [Int]
    /// Per service: `_BOOT_ID`, `_MACHINE_ID`, `_HOSTNAME`, `_TRANSPORT`, `_SYSTEMD_*`, `_COMM`, … lines.
    let fixedFields: [[UInt8]]

    init(name: String, epn: Bool, detector: [UInt8], partition: [UInt8], start: UInt64, random: inout SeededRandom) {
        self.name = name.bytes
        self.detector = detector
        let machineID = random.hexID()
        let bootID = random.hexID()
        bootedAt = start - UInt64(random.inRange(3_600, 40 * 86_400)) * 1_000_000
        func pid() -> Int { random.inRange(1_200, 190_000) }

        var mix: [(FarmService, Int)] = epn
            ? [(FarmCatalog.stfBuilder(pid: pid(), host: name, epn: true), 400),
               (FarmCatalog.qualityControl(pid: pid(), host: name), 250)]
            : [(FarmCatalog.readout(pid: pid(), host: name), 350),
               (FarmCatalog.stfBuilder(pid: pid(), host: name, epn: false), 200),
               (FarmCatalog.qualityControl(pid: pid(), host: name), 120)]
        mix += [(FarmCatalog.sshd, 90), (FarmCatalog.systemd, 90), (FarmCatalog.kernel, 80), (FarmCatalog.crond, 70)]
        services = mix.map(\.0)
        var total = 0
        cumulativeWeights = mix.map { total += $0.1; return total }

        fixedFields = services.map { service in
            var block: [UInt8] = []
            block.appendField("_BOOT_ID", bootID)
            block.appendField("_MACHINE_ID", machineID)
            block.appendField("_HOSTNAME", name.bytes)
            block.appendField("_TRANSPORT", service.transport.rawValue.bytes)
            block.appendField("SYSLOG_IDENTIFIER", service.identifier.bytes)
            if let facility = service.facility { block.appendField("SYSLOG_FACILITY", decimal: UInt64(facility)) }
            guard service.transport != .kernel else { return block }
            block.appendField("_UID", decimal: UInt64(service.uid))
            block.appendField("_GID", decimal: UInt64(service.uid))
            block.appendField("_COMM", service.comm.bytes)
            block.appendField("_EXE", service.executable.bytes)
            block.appendField("_CMDLINE", service.commandLine.bytes)
            block.appendField("_CAP_EFFECTIVE", service.uid == 0 ? "1ffffffffff" : "0")
            block.appendField("_SYSTEMD_CGROUP", service.cgroup.bytes)
            block.appendField("_SYSTEMD_UNIT", service.unit.bytes)
            block.appendField("_SYSTEMD_SLICE", service.slice.bytes)
            block.appendField("_SYSTEMD_INVOCATION_ID", random.hexID())
            if let pid = service.pid {
                block.appendField("_PID", decimal: UInt64(pid))
                if service.transport == .syslog { block.appendField("SYSLOG_PID", decimal: UInt64(pid)) }
            }
            if service.transport == .stdout { block.appendField("_STREAM_ID", random.hexID()) }
            if service.carriesRunContext {
                block.appendField("O2_DETECTOR", detector)
                block.appendField("O2_PARTITION", partition)
            }
            return block
        }
    }
}
