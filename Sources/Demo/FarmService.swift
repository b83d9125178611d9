/// A process that writes to a farm host's journal: how journald would describe it (the trusted `_` fields),
/// how often it logs, and which lines it writes.
struct FarmService {
    enum Transport: String { case journal, stdout, syslog, kernel }

    let unit: String
    let comm: String
    let executable: String
    let commandLine: String
    let identifier: String
    let transport: Transport
    /// Absent for native journal clients, which rarely set `SYSLOG_FACILITY`.
    let facility: Int?
    let uid: Int
    /// `nil`: a fresh process per entry (sshd's per-connection child, crond's job runner).
    let pid: Int?
    /// readout, stfbuilder and QC carry the O² run context as application fields.
    let carriesRunContext: Bool
    let templates: [MessageTemplate]
    let cumulativeWeights: [Int]

    init(unit: String, comm: String, executable: String, commandLine: String, identifier: String,
         transport: Transport, facility: Int?, uid: Int, pid: Int?, carriesRunContext: Bool = false,
         templates: [MessageTemplate]) {
        self.unit = unit; self.comm = comm; self.executable = executable; self.commandLine = commandLine
        self.identifier = identifier; self.transport = transport; self.facility = facility
        self.uid = uid; self.pid = pid; self.carriesRunContext = carriesRunContext; self.templates = templates
        var total = 0
        cumulativeWeights = templates.map { total += $0.weight; return total }
    }

    var slice: String { unit == "init.scope" ? "-.slice" : "system.slice" }
    var cgroup: String { unit == "init.scope" ? "/init.scope" : "/system.slice/\(unit)" }
}
