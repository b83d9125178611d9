import Inputs
import Logging
import Spool

/// `local` and `stream` modes carry one record per `\n`-terminated line, nothing else. This reads a
/// connection to its end, spooling every non-empty line (raw-mode output has blank separator lines).
/// The lines of one read are appended to the spool together (one `SpoolWriteBatch`, one write).
struct LineReader {
    enum End: Equatable { case closed, stopped, tooLong, failed(String) }

    let maxRecordBytes: Int

    /// Reads `fd` until it closes, the receiver stops, a line exceeds `maxRecordBytes` or the spool fails.
    func run(_ fd: Int32, spooler: inout RecordSpooler, threads: ReceiverThreads) -> End {
        let buffer = ReceiveBuffer()
        var scanned = 0   // bytes after `start` already known to hold no newline
        while !threads.isStopping {
            guard PosixSocket.waitReadable(fd, milliseconds: 200) else { continue }
            let n = buffer.read(from: fd)
            if n <= 0 {
                // A last line without its newline is still a record: the writer finished and closed.
                if buffer.count > 0, let e = spoolLine(buffer.bytes[...], &spooler) { return commit(&spooler) ?? e }
                return commit(&spooler) ?? .closed
            }
            let bytes = buffer.bytes
            var lineStart = 0
            var i = scanned
            while let nl = bytes[i...].firstIndex(of: 0x0A) {
                if let e = spoolLine(bytes[lineStart..<nl], &spooler) { return commit(&spooler) ?? e }
                lineStart = nl + 1
                i = lineStart
            }
            if let e = commit(&spooler) { return e }
            buffer.start += lineStart
            scanned = buffer.count
            if buffer.count > maxRecordBytes + 1 { return .tooLong }
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

    private func spoolLine(_ line: Slice<UnsafeBufferPointer<UInt8>>, _ spooler: inout RecordSpooler) -> End? {
        var line = line
        // Tolerate CRLF and the NUL some senders keep from C strings.
        while let last = line.last, last == 0x0D || last == 0x00 { line = line.dropLast() }
        guard !line.isEmpty else { return nil }
        guard line.count <= maxRecordBytes else { return .tooLong }
        do {
            try spooler.add(UnsafeBufferPointer(rebasing: line))
            return nil
        } catch {
            return .failed("\(error)")
        }
    }
}
