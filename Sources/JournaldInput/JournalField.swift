/// The journal fields LogBridge maps onto ECS or `journald.*`; everything else is an application field
/// and goes under the bounded `journald.custom` object.
enum JournalField: Int, CaseIterable {
    case message, priority, syslogFacility, syslogIdentifier, syslogPID, syslogTimestamp
    case codeFile, codeLine, codeFunc
    case hostname, machineID, pid, tid, comm, exe, cmdline, uid, gid
    case systemdUnit, systemdUserUnit, systemdSlice, systemdUserSlice, systemdCgroup, systemdInvocationID
    case systemdOwnerUID, systemdSession
    case bootID, transport, messageID, streamID, selinuxContext, capEffective, auditSession, auditLoginUID
    case kernelDevice, kernelSubsystem, udevSysname, udevDevnode, errno, sourceRealtime

    var journalName: String {
        switch self {
        case .message: return "MESSAGE"
        case .priority: return "PRIORITY"
        case .syslogFacility: return "SYSLOG_FACILITY"
        case .syslogIdentifier: return "SYSLOG_IDENTIFIER"
        case .syslogPID: return "SYSLOG_PID"
        case .syslogTimestamp: return "SYSLOG_TIMESTAMP"
        case .codeFile: return "CODE_FILE"
        case .codeLine: return "CODE_LINE"
        case .codeFunc: return "CODE_FUNC"
        case .hostname: return "_HOSTNAME"
        case .machineID: return "_MACHINE_ID"
        case .pid: return "_PID"
        case .tid: return "TID"
        case .comm: return "_COMM"
        case .exe: return "_EXE"
        case .cmdline: return "_CMDLINE"
        case .uid: return "_UID"
        case .gid: return "_GID"
        case .systemdUnit: return "_SYSTEMD_UNIT"
        case .systemdUserUnit: return "_SYSTEMD_USER_UNIT"
        case .systemdSlice: return "_SYSTEMD_SLICE"
        case .systemdUserSlice: return "_SYSTEMD_USER_SLICE"
        case .systemdCgroup: return "_SYSTEMD_CGROUP"
        case .systemdInvocationID: return "_SYSTEMD_INVOCATION_ID"
        case .systemdOwnerUID: return "_SYSTEMD_OWNER_UID"
        case .systemdSession: return "_SYSTEMD_SESSION"
        case .bootID: return "_BOOT_ID"
        case .transport: return "_TRANSPORT"
        case .messageID: return "MESSAGE_ID"
        case .streamID: return "_STREAM_ID"
        case .selinuxContext: return "_SELINUX_CONTEXT"
        case .capEffective: return "_CAP_EFFECTIVE"
        case .auditSession: return "_AUDIT_SESSION"
        case .auditLoginUID: return "_AUDIT_LOGINUID"
        case .kernelDevice: return "_KERNEL_DEVICE"
        case .kernelSubsystem: return "_KERNEL_SUBSYSTEM"
        case .udevSysname: return "_UDEV_SYSNAME"
        case .udevDevnode: return "_UDEV_DEVNODE"
        case .errno: return "ERRNO"
        case .sourceRealtime: return "_SOURCE_REALTIME_TIMESTAMP"
        }
    }
}

/// Field name → `JournalField` without allocating: FNV-1a over the name bytes into a small open-addressed table.
/// Names sit in one flat buffer at a fixed stride, so a lookup touches no reference-counted storage.
final class JournalFieldTable: @unchecked Sendable {   // immutable after init
    private static let size = 256
    private static let stride = 32
    private let names: UnsafeMutablePointer<UInt8>
    private let nameLengths: UnsafeMutablePointer<UInt8>
    private let slots: UnsafeMutablePointer<Int16>    // index into JournalField, -1 = empty

    init() {
        names = .allocate(capacity: Self.size * Self.stride)
        names.initialize(repeating: 0, count: Self.size * Self.stride)
        nameLengths = .allocate(capacity: Self.size)
        nameLengths.initialize(repeating: 0, count: Self.size)
        slots = .allocate(capacity: Self.size)
        slots.initialize(repeating: -1, count: Self.size)
        for f in JournalField.allCases {
            let n = Array(f.journalName.utf8)
            precondition(n.count <= Self.stride, "journal field name longer than the table's stride")
            var h = n.withUnsafeBufferPointer { Self.hash($0.baseAddress!, $0.count) }
            while slots[h] >= 0 { h = (h + 1) & (Self.size - 1) }
            (names + h * Self.stride).update(from: n, count: n.count)
            nameLengths[h] = UInt8(n.count)
            slots[h] = Int16(f.rawValue)
        }
    }

    deinit {
        names.deallocate()
        nameLengths.deallocate()
        slots.deallocate()
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h: UInt32 = 2_166_136_261
        for i in 0..<n { h = (h ^ UInt32(p[i])) &* 16_777_619 }
        return Int((h ^ (h >> 16)) & UInt32(size - 1))
    }

    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> JournalField? {
        var h = Self.hash(p, n)
        while true {
            let s = slots[h]
            if s < 0 { return nil }
            if Int(nameLengths[h]) == n && memcmpEqual(names + h * Self.stride, p, n) {
                return JournalField(rawValue: Int(s))
            }
            h = (h + 1) & (Self.size - 1)
        }
    }
}

@inline(__always)
func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}
