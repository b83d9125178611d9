import Inputs
import Logging
import Spool
#if canImport(Glibc)
import Glibc
#endif

/// `local` and `stream` modes carry one record per `\n`-terminated line, nothing else. This reads a
/// connection to its end, spooling every non-empty line (raw-mode output has blank separator lines).
/// The lines of one read are appended to the spool together (one `SpoolWriteBatch`, one write).
struct LineReader {
    enum End: Equatable { case closed, stopped, tooLong, failed(String) }

    let maxRecordBytes: Int

    /// Reads `fd` until it closes, the receiver stops, a line exceeds `maxRecordBytes` or the spool fails.
    func run(_ fd: Int32, spooler: inout RecordSpooler, threads: ReceiverThreads) -> End {
        let buffer = ReceiveBuffer()
        var splitter = LineSplitter(maxRecordBytes: maxRecordBytes)
        while !threads.isStopping {
            guard PosixSocket.waitReadable(fd, milliseconds: 200) else { continue }
            let n = buffer.read(from: fd)
            if n <= 0 {
                // A last line without its newline is still a record: the writer finished and closed.
                let end = splitter.finish(buffer.bytes) { spool($0, &spooler) }
                return commit(&spooler) ?? end ?? .closed
            }
            let (consumed, end) = splitter.feed(buffer.bytes) { spool($0, &spooler) }
            if let e = commit(&spooler) { return e }
            if let end { return end }
            buffer.start += consumed
        }
        return commit(&spooler) ?? .stopped
    }

    /// Appends the lines added since the last call; the failure, if the spool refused them.
    private func commit(_ spooler: inout RecordSpooler) -> End? {
        do {
            _ = try spooler.commit()
            return nil
        } catch {
            return .failed("\(error)")
        }
    }

    private func spool(_ record: UnsafeBufferPointer<UInt8>, _ spooler: inout RecordSpooler) -> End? {
        do {
            try spooler.add(record)
            return nil
        } catch {
            return .failed("\(error)")
        }
    }
}

/// The byte-level half of `LineReader`, apart from the socket so the fuzz target drives the same code.
/// Segmentation must not matter: whatever the reads, the same records come out and the same lines are too long.
struct LineSplitter {
    let maxRecordBytes: Int
    /// Bytes at the start of the unconsumed input already known to hold no newline (not scanned twice).
    private var scanned = 0

    init(maxRecordBytes: Int) { self.maxRecordBytes = maxRecordBytes }

    /// Hands every complete record in `bytes` (all unconsumed input, the same prefix as last time plus what
    /// was read since) to `take`, which stops the scan by returning an end. Returns how many bytes the caller
    /// may drop, and the end: `take`'s, or `.tooLong` when the unterminated rest can no longer become a record.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ take: (UnsafeBufferPointer<UInt8>) -> LineReader.End?)
        -> (consumed: Int, end: LineReader.End?) {
        guard let base = bytes.baseAddress else { return (0, nil) }
        var lineStart = 0
        var i = min(scanned, bytes.count)
        while i < bytes.count, let hit = memchr(base + i, 0x0A, bytes.count - i) {
            let nl = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if let e = record(UnsafeBufferPointer(rebasing: bytes[lineStart..<nl]), take) { return (nl + 1, e) }
            lineStart = nl + 1
            i = lineStart
        }
        scanned = bytes.count - lineStart
        // The raw-line limit `record` applies, checked before the newline arrives so a flood is cut early.
        if scanned > maxRecordBytes + 1 { return (lineStart, .tooLong) }
        return (lineStart, nil)
    }

    /// At the end of the stream: an unterminated rest is a record too.
    mutating func finish(_ rest: UnsafeBufferPointer<UInt8>, _ take: (UnsafeBufferPointer<UInt8>) -> LineReader.End?) -> LineReader.End? {
        scanned = 0
        return rest.isEmpty ? nil : record(rest, take)
    }

    /// One line without its newline. Senders may end it with CR (CRLF) or the NUL of a C string: one such byte
    /// is allowed beyond `maxRecordBytes`, then they are trimmed; empty lines are skipped. The raw length is
    /// what is limited, so the verdict does not depend on whether the newline came in the same read.
    private func record(_ line: UnsafeBufferPointer<UInt8>, _ take: (UnsafeBufferPointer<UInt8>) -> LineReader.End?) -> LineReader.End? {
        guard line.count <= maxRecordBytes + 1 else { return .tooLong }
        var n = line.count
        while n > 0, line[n - 1] == 0x0D || line[n - 1] == 0x00 { n -= 1 }
        guard n > 0 else { return nil }
        guard n <= maxRecordBytes else { return .tooLong }
        return take(UnsafeBufferPointer(rebasing: line[0..<n]))
    }
}
