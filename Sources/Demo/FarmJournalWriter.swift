/// Produces the sample journal one export-format entry at a time; all state that must carry from entry to
/// entry (random stream, clock, count) lives here, so chunked writing gives the same bytes as writing at once.
struct FarmJournalWriter {
    private var random: SeededRandom
    private let hosts: [FarmHost]
    private var realtime: UInt64
    private let start: UInt64
    private let meanGapMicros: Double
    private let total: Int
    private let invalidUTF8Entry: Int
    private(set) var produced = 0
    /// Reused for every MESSAGE, which must be measured (and scanned for newlines) before it is written.
    private var message: [UInt8] = []
    private var chosenUnit = 0
    private let quiet: Bool
    /// Background hosts: all of them, or all but the one that goes silent in a journal with incidents.
    private let backgroundHosts: Int
    private let silentHost: Int?
    /// Incident entries not yet written, latest first (so the next one is popped from the end).
    private var incidentEntries: [(realtime: UInt64, entry: FarmIncident.Entry)]

    /// Runs change every 40 minutes of farm time, numbered from here.
    private static let firstRun: UInt64 = 551_234
    private static let runLengthMicros: UInt64 = 40 * 60 * 1_000_000

    init(_ journal: SampleJournal) {
        var random = SeededRandom(seed: journal.seed)
        start = journal.start
        realtime = journal.start
        meanGapMicros = journal.meanGapMicros
        total = journal.entries
        invalidUTF8Entry = journal.entries / 3
        let partitions = FarmCatalog.detectors.map { _ in Self.partitionID(&random) }
        var hosts: [FarmHost] = []
        for index in 0..<(journal.hosts + journal.epnHosts) {
            let epn = index >= journal.hosts
            let number = epn ? index - journal.hosts + 1 : index + 1
            let detector = epn ? 0 : index % FarmCatalog.detectors.count
            hosts.append(FarmHost(name: Self.hostName(epn ? "epn" : "flp", number), epn: epn,
                                  detector: epn ? "EPN".bytes : FarmCatalog.detectors[detector],
                                  partition: partitions[detector], start: journal.start, random: &random))
        }
        self.hosts = hosts
        self.random = random
        quiet = journal.incidents
        silentHost = journal.incidents ? FarmIncident.silentHost(hosts: journal.hosts) : nil
        backgroundHosts = hosts.count - (journal.incidents ? 1 : 0)
        let end = Double(journal.backgroundEnd)
        incidentEntries = journal.injectedIncidents.flatMap(\.entries)
            .map { (UInt64(max(0, end + $0.offset * 1_000_000)), $0) }
            .sorted { $0.realtime > $1.realtime }
    }

    var isFinished: Bool { produced >= total && incidentEntries.isEmpty }

    mutating func appendEntry(into out: inout [UInt8]) {
        // Incidents are merged in time order: journal files refuse an entry older than the previous one.
        if let next = incidentEntries.last, produced >= total || next.realtime <= realtime {
            incidentEntries.removeLast()
            appendIncident(next.entry, at: max(next.realtime, 1), into: &out)
            return
        }
        realtime += max(1, UInt64(random.exponential(mean: meanGapMicros)))
        // Hosts are picked among all of them except, with incidents, the last FLP host (it goes silent).
        var hostIndex = random.below(backgroundHosts)
        if let silentHost, hostIndex >= silentHost { hostIndex += 1 }
        let host = hosts[hostIndex]
        var serviceIndex = Self.pick(host.cumulativeWeights, &random)
        var service = host.services[serviceIndex]
        var template = service.templates[Self.pick(service.cumulativeWeights, &random)]
        while quiet && template.alarming {
            serviceIndex = Self.pick(host.cumulativeWeights, &random)
            service = host.services[serviceIndex]
            template = service.templates[Self.pick(service.cumulativeWeights, &random)]
        }

        out.appendField("__REALTIME_TIMESTAMP", decimal: realtime)
        out.appendField("__MONOTONIC_TIMESTAMP", decimal: realtime - host.bootedAt)
        out.append(contentsOf: host.fixedFields[serviceIndex])
        switch service.transport {
        case .journal:
            out.appendField("_SOURCE_REALTIME_TIMESTAMP", decimal: realtime - UInt64(random.inRange(3, 400)))
        case .kernel:
            out.appendField("_SOURCE_MONOTONIC_TIMESTAMP", decimal: realtime - host.bootedAt - UInt64(random.inRange(3, 400)))
        case .stdout, .syslog:
            break
        }
        if service.pid == nil && service.transport != .kernel {
            let pid = UInt64(random.inRange(1_200, 190_000))
            out.appendField("_PID", decimal: pid)
            if service.transport == .syslog { out.appendField("SYSLOG_PID", decimal: pid) }
        }
        out.appendField("PRIORITY", decimal: UInt64(template.priority))
        out.append(contentsOf: template.codeLocation)
        out.append(contentsOf: template.extraFields)
        if service.carriesRunContext { out.appendField("O2_RUN", decimal: currentRun) }

        if produced == invalidUTF8Entry {
            // Bytes a broken card driver might hand over: a lone continuation byte, an overlong form and 0xFF.
            message = Array("Received malformed label from CRU: ".utf8) + [0x80, 0xC0, 0xAF, 0xFF, 0x41]
            out.appendBinaryField("MESSAGE", message)
        } else {
            render(template, host: host)
            if message.contains(10) { out.appendBinaryField("MESSAGE", message) } else { out.appendField("MESSAGE", message) }
        }
        if template.namesUnit { out.appendField("UNIT", FarmCatalog.units[chosenUnit].name) }
        out.append(10)
        produced += 1
    }

    /// One incident entry: the host's journald fields for the service, the priority, code location and message.
    private mutating func appendIncident(_ e: FarmIncident.Entry, at time: UInt64, into out: inout [UInt8]) {
        let host = hosts[e.host]
        let serviceIndex = host.services.firstIndex { $0.identifier == e.service.identifier } ?? 0
        let service = host.services[serviceIndex]
        out.appendField("__REALTIME_TIMESTAMP", decimal: time)
        out.appendField("__MONOTONIC_TIMESTAMP", decimal: time > host.bootedAt ? time - host.bootedAt : 1)
        out.append(contentsOf: host.fixedFields[serviceIndex])
        if service.pid == nil && service.transport != .kernel {
            let pid = UInt64(random.inRange(1_200, 190_000))
            out.appendField("_PID", decimal: pid)
            if service.transport == .syslog { out.appendField("SYSLOG_PID", decimal: pid) }
        }
        out.appendField("PRIORITY", decimal: UInt64(e.priority))
        if let code = e.code {
            out.append(contentsOf: "CODE_FILE=\(code.file)\nCODE_LINE=\(code.line)\nCODE_FUNC=\(code.function)\n".bytes)
        }
        out.appendField("MESSAGE", e.message.bytes)
        out.append(10)
    }

    private var currentRun: UInt64 { Self.firstRun + (realtime - start) / Self.runLengthMicros }

    private mutating func render(_ template: MessageTemplate, host: FarmHost) {
        message.removeAll(keepingCapacity: true)
        for part in template.parts {
            switch part {
            case .text(let text): message.append(contentsOf: text)
            case .integer(let low, let high): message.appendDecimal(random.inRange(low, high))
            case .tenths(let low, let high):
                let value = random.inRange(low, high)
                message.appendDecimal(value / 10); message.append(46); message.appendDecimal(value % 10)
            case .user: message.append(contentsOf: FarmCatalog.operatorUsers[random.below(FarmCatalog.operatorUsers.count)])
            case .badUser: message.append(contentsOf: FarmCatalog.scannedUsers[random.below(FarmCatalog.scannedUsers.count)])
            case .fingerprint: appendFingerprint()
            case .unit:
                chosenUnit = random.below(FarmCatalog.units.count)
                message.append(contentsOf: FarmCatalog.units[chosenUnit].name)
            case .unitDescription: message.append(contentsOf: FarmCatalog.units[chosenUnit].description)
            case .run: message.appendDecimal(currentRun)
            case .detector: message.append(contentsOf: host.detector)
            case .task:
                message.append(contentsOf: host.detector)
                message.append(contentsOf: FarmCatalog.taskSuffixes[random.below(FarmCatalog.taskSuffixes.count)])
            }
        }
    }

    private mutating func appendFingerprint() {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        for _ in 0..<43 { message.append(alphabet.utf8Start[random.below(64)]) }
    }

    private static func pick(_ cumulativeWeights: [Int], _ random: inout SeededRandom) -> Int {
        let roll = random.below(cumulativeWeights[cumulativeWeights.count - 1])
        var index = 0
        while cumulativeWeights[index] <= roll { index += 1 }
        return index
    }

    private static func hostName(_ prefix: String, _ number: Int) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// O² partition (environment) ids look like `2rXyZ7abcQe`: base58, 11 characters.
    private static func partitionID(_ random: inout SeededRandom) -> [UInt8] {
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
        return (0..<11).map { _ in alphabet[random.below(alphabet.count)] }
    }
}
