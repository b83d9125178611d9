#if canImport(Glibc)
import Glibc
#endif

/// A deterministic ALICE O² farm journal in systemd's journal export format: hosts `flp001…` (and `epn001…`),
/// each with its own machine and boot id, running readout, STF builder, QC, sshd, systemd, kernel and crond.
///
/// Same parameters, same bytes. `systemd-journal-remote --split-mode=none -o OUT.journal FILE` turns the
/// output into real journal files. Entries are time-ordered, gaps exponential with the given mean.
public struct SampleJournal: Sendable {
    public let hosts: Int
    public let epnHosts: Int
    public let entries: Int
    public let seed: UInt64
    /// Realtime of the first entry's predecessor, microseconds since the epoch.
    public let start: UInt64
    public let meanGapMicros: Double
    /// Inject `FarmIncident.all` over a quiet background (no err-or-worse lines, none the shipped rules count).
    public let incidents: Bool

    /// 2026-11-29T00:00:00Z, the start of the shared peer corpus, so timestamps line up in comparisons.
    public static let defaultStart: UInt64 = 1_795_910_400_000_000

    public init(hosts: Int, epnHosts: Int = 0, entries: Int, seed: UInt64,
                start: UInt64 = SampleJournal.defaultStart, meanGapMicros: Double = 50_000, incidents: Bool = false) {
        precondition(hosts + epnHosts > 0, "a farm needs at least one host")
        precondition(entries >= 0 && meanGapMicros >= 0)
        precondition(!incidents || hosts >= FarmIncident.hostsNeeded, "incidents need \(FarmIncident.hostsNeeded) FLP hosts")
        self.hosts = hosts; self.epnHosts = epnHosts; self.entries = entries; self.seed = seed
        self.start = start; self.meanGapMicros = meanGapMicros; self.incidents = incidents
    }

    /// The incidents this journal holds (empty without `incidents`).
    public var injectedIncidents: [FarmIncident] { incidents ? FarmIncident.all(hosts: hosts) : [] }

    /// Where the background ends (µs): the injected incidents are placed relative to it.
    var backgroundEnd: UInt64 { start + UInt64(Double(entries) * meanGapMicros) }

    /// Appends the whole journal; for small journals (tests, the demo) where holding it is fine.
    public func writeExport(into buffer: inout [UInt8]) {
        var writer = FarmJournalWriter(self)
        while !writer.isFinished { writer.appendEntry(into: &buffer) }
    }

    /// Streams the journal in chunks of about `chunkBytes`, so memory stays flat for the million-entry corpus.
    /// The chunk is only valid during the call.
    public func writeExport(chunkBytes: Int = 4 << 20, _ consume: ([UInt8]) throws -> Void) rethrows {
        var writer = FarmJournalWriter(self)
        var chunk: [UInt8] = []
        chunk.reserveCapacity(chunkBytes + 64 << 10)
        while !writer.isFinished {
            writer.appendEntry(into: &chunk)
            if chunk.count >= chunkBytes {
                try consume(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try consume(chunk) }
    }

    /// Writes the export file (created or truncated, mode 0644).
    public func write(to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SampleJournalError(path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        try writeExport { chunk in
            try chunk.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw SampleJournalError(path: path, operation: "write", errno: errno)
                    }
                    offset += written
                }
            }
        }
    }
}

public struct SampleJournalError: Error, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let errno: Int32
    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(errno)))" }
}
