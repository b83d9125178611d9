import Config
import ECS
import Foundation
import Inputs
import Logging
import Pipeline
import Instrumentation
import SyslogFormat

/// `type: file`: follows every file its globs match, through rotation, and ships each line (or multiline
/// group) once. Files are re-readable, so there is no spool: the checkpoint lists every file's position, and
/// each batch carries the positions after its last event, persisted by the shipper only once acknowledged.
public final class FileTailInput: Input, @unchecked Sendable {
    public let settings: FileInputSettings
    public let counters = InputCounters()
    /// Files truncated or rewritten in place (copytruncate) while followed, each read again from the start.
    public let truncations = Synchronized(0)
    private var files: [FileKey: TailedFile] = [:]
    private var saved: [FileCheckpoint.Entry] = []
    private var hadCheckpoint = false
    private var readBuffer: [UInt8] = []
    private var logger = Logger(label: "file")
    private let malformedLog = LogThrottle(seconds: 10)
    let changes = FileChangeWaiter()

    struct FileKey: Hashable { var device: UInt64; var inode: UInt64 }

    public init(settings: FileInputSettings) { self.settings = settings }
    public var id: String { settings.id }
    public var type: String { "file" }

    public func metrics() -> [Metric] {
        counters.metrics() + [
            Metric("logbridge_file_truncations_total", .counter,
                   help: "Files truncated or rewritten in place (copytruncate?) while followed, read again from the start.",
                   truncations.withLock { $0 }),
        ]
    }

    public func run(_ context: InputContext) throws {
        logger = context.logger
        let zone = try SyslogTimeZone.load(settings.timezone)
        var encoder = FileLineEncoder(settings: settings, zone: zone, indexPattern: context.indexPattern(), agent: context.agent,
                                      patterns: context.patterns)
        var builder = BatchBuilder(inputID: id, maxDocuments: context.output.batch.maxDocuments, maxBytes: context.output.batch.maxBytes)
        let pattern: PosixPattern?
        if let m = settings.multiline {
            guard let p = PosixPattern(m.pattern) else { throw FileInputError.pattern(m.pattern) }
            pattern = p
        } else { pattern = nil }
        if let cp = context.checkpoint {
            if let parsed = FileCheckpoint(cp) {
                saved = parsed.entries
            } else {
                counters.checkpointsLost.add(1, ordering: .relaxed)
                logger.warning("checkpoint is not in the file input's format; every file is read from the start (ids dedupe what was shipped)")
            }
            hadCheckpoint = true
        }
        readBuffer = [UInt8](repeating: 0, count: max(1 << 20, settings.maxLineBytes * 2))
        let flushInterval = max(0.01, context.output.batch.flushIntervalSeconds)

        submit = context.submit

        scan(first: true)
        var lastScan = MonotonicClock.seconds()
        var batchStarted = MonotonicClock.seconds()
        while !context.isStopping() {
            var readSomething = false
            for key in files.keys.sorted(by: { files[$0]!.path < files[$1]!.path }) {
                guard let file = files[key] else { continue }
                while !context.isStopping() {
                    let got = readChunk(file, encoder: &encoder, builder: &builder, pattern: pattern)
                    if got == 0 { break }
                    readSomething = true
                    if builder.batch.items.count > 0 && MonotonicClock.seconds() - batchStarted >= flushInterval { handOver(&builder); batchStarted = MonotonicClock.seconds() }
                }
            }
            let now = MonotonicClock.seconds()
            if !readSomething {
                for file in files.values {
                    if let m = settings.multiline, !file.pending.isEmpty, context.once || now - file.lastActivity >= m.timeoutSeconds {
                        emitPending(file, encoder: &encoder, builder: &builder)
                    }
                    if context.once { flushPartialLine(file, encoder: &encoder, builder: &builder, pattern: pattern) }
                }
                handOver(&builder)
                batchStarted = now
                if context.once { break }
                closeDrained(now: now)
                if now - lastScan >= settings.scanIntervalSeconds { scan(first: false); lastScan = now; continue }
                if changes.wait(settings.pollIntervalSeconds) == .names { scan(first: false); lastScan = MonotonicClock.seconds() }
            } else if now - lastScan >= settings.scanIntervalSeconds {
                scan(first: false); lastScan = now
            }
        }
        handOver(&builder)
        files.removeAll()
    }

    private var submit: (@Sendable (Batch) -> Void)?

    private func handOver(_ builder: inout BatchBuilder) {
        guard !builder.isEmpty else { return }
        submit?(builder.take(checkpoint: snapshot()))
    }

    /// Every file's position after the events handed over so far (pending multiline groups excluded).
    private func snapshot() -> Checkpoint {
        var cp = FileCheckpoint()
        for f in files.values.sorted(by: { $0.path < $1.path }) {
            guard let fp = f.fingerprint else { continue }
            cp.entries.append(.init(device: f.device, inode: f.inode, offset: f.committed, fingerprint: fp, path: f.path))
        }
        return cp.checkpoint
    }

    // MARK: Finding files

    private func scan(first: Bool) {
        var seen = Set<FileKey>()
        for pattern in settings.paths { changes.watch(pattern) }
        for path in expand() {
            changes.watch(path)
            var st = stat()
            guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            let key = FileKey(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
            seen.insert(key)
            if let f = files[key] {
                if f.path != path { logger.info("file renamed", metadata: ["from": "\(f.path)", "to": "\(path)"]); f.setPath(path) }
                f.gone = false
                checkRewritten(f)
                continue
            }
            open(path, key: key, size: Int64(st.st_size), first: first)
        }
        for (key, f) in files where !seen.contains(key) && !f.gone {
            f.gone = true
            logger.info("file no longer matches (renamed away or deleted); reading it to its end", metadata: ["path": "\(f.path)"])
        }
    }

    private func expand() -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        for p in settings.paths {
            var g = glob_t()
            defer { globfree(&g) }
            guard glob(p, 0, nil, &g) == 0 else { continue }
            for i in 0..<Int(g.gl_pathc) {
                guard let s = g.gl_pathv[i] else { continue }
                let path = String(cString: s)
                if settings.exclude.contains(where: { fnmatch($0, path, 0) == 0 }) { continue }
                if seen.insert(path).inserted { out.append(path) }
            }
        }
        return out
    }

    private func open(_ path: String, key: FileKey, size: Int64, first: Bool) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            logger.warning("cannot open file; will retry at the next scan", metadata: ["path": "\(path)", "error": "\(String(cString: strerror(errno)))"])
            return
        }
        var offset: Int64 = 0
        var fingerprint: FileFingerprint? = nil
        if let i = saved.firstIndex(where: { $0.device == key.device && $0.inode == key.inode }) {
            let e = saved.remove(at: i)
            if FileFingerprint.read(fd: fd, length: e.fingerprint.length) == e.fingerprint {
                if e.offset <= size {
                    offset = e.offset
                    fingerprint = e.fingerprint
                } else {
                    logger.warning("file is shorter than its checkpoint (truncated while stopped); reading it from the start",
                                   metadata: ["path": "\(path)", "checkpoint": "\(e.offset)", "size": "\(size)"])
                }
            } else {
                logger.info("inode reused by a different file (fingerprint differs); reading it from the start", metadata: ["path": "\(path)"])
            }
        } else if first && !hadCheckpoint && settings.start == .end {
            offset = size
        }
        let f = TailedFile(fd: fd, device: key.device, inode: key.inode, path: path, offset: offset, now: MonotonicClock.seconds())
        f.fingerprint = fingerprint ?? (offset > 0 ? FileFingerprint.read(fd: fd, length: Int(min(Int64(settings.fingerprintBytes), size))) : nil)
        files[key] = f
        logger.info("following file", metadata: ["path": "\(path)", "offset": "\(offset)"])
    }

    /// Copytruncate, or the same inode rewritten in place: start over at 0.
    private func checkRewritten(_ f: TailedFile) {
        guard let (size, _) = f.size() else { return }
        var rewritten = size < f.readOffset
        if !rewritten, let fp = f.fingerprint, FileFingerprint.read(fd: f.fd, length: fp.length) != fp { rewritten = true }
        guard rewritten else { return }
        truncations.withLock { $0 += 1 }
        logger.warning("file truncated or rewritten (copytruncate?); reading it again from the start",
                       metadata: ["path": "\(f.path)", "was_at": "\(f.readOffset)", "size": "\(size)"])
        f.reset()
    }

    /// Renamed-away or deleted files are closed once read to the end and quiet for a scan interval.
    private func closeDrained(now: Double) {
        for (key, f) in files where f.gone && f.pending.isEmpty && f.carry.isEmpty {
            guard let (size, _) = f.size(), size <= f.readOffset, now - f.lastActivity >= settings.scanIntervalSeconds else { continue }
            logger.info("closing drained file", metadata: ["path": "\(f.path)"])
            files[key] = nil
        }
    }

    // MARK: Reading

    /// Reads what is available of `file` (one buffer's worth) and turns complete lines into events.
    /// Returns the number of bytes read; 0 at the end of the file.
    private func readChunk(_ f: TailedFile, encoder: inout FileLineEncoder, builder: inout BatchBuilder,
                           pattern: PosixPattern?) -> Int {
        if f.readOffset == 0 || f.fingerprint == nil, f.fingerprint == nil {
            guard let (size, _) = f.size(), size > 0 else { return 0 }
            if size < f.readOffset { checkRewritten(f) }
        }
        let carried = f.carry.count
        let n: Int = readBuffer.withUnsafeMutableBytes { buf in
            if carried > 0 { f.carry.withUnsafeBytes { buf.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: carried) } }
            while true {
                let r = pread(f.fd, buf.baseAddress! + carried, buf.count - carried, off_t(f.readOffset))
                if r < 0 && errno == EINTR { continue }
                return max(0, r)
            }
        }
        if n == 0 {
            if let (size, _) = f.size(), size < f.readOffset { checkRewritten(f) }
            return 0
        }
        if f.fingerprint == nil, f.readOffset == 0 {
            f.fingerprint = FileFingerprint.read(fd: f.fd, length: min(settings.fingerprintBytes, n))
        }
        guard let fp = f.fingerprint else { return 0 }
        if let (_, mtime) = f.size() { f.mtimeMicros = mtime }
        f.readOffset += Int64(n)
        f.lastActivity = MonotonicClock.seconds()
        let readTime = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let maxLine = settings.maxLineBytes
        readBuffer.withUnsafeBufferPointer { buf in
            let total = carried + n
            let base = buf.baseAddress!
            var start = 0
            let dataOffset = f.carryOffset   // file offset of buf[0]
            while start < total {
                guard let hit = memchr(base + start, 0x0A, total - start) else { break }
                let lf = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                let lineOffset = dataOffset + Int64(start)
                if f.discarding {
                    f.discarding = false
                } else {
                    var end = lf
                    if end > start, base[end - 1] == 0x0D { end -= 1 }
                    let truncated = end - start > maxLine
                    if truncated { end = start + maxLine; counters.malformed.add(1, ordering: .relaxed) }
                    take(UnsafeBufferPointer(start: base + start, count: end - start), offset: lineOffset,
                         next: dataOffset + Int64(lf + 1), truncated: truncated, file: f, fp: fp, readTime: readTime,
                         encoder: &encoder, builder: &builder, pattern: pattern)
                }
                start = lf + 1
            }
            // Keep the unfinished line; one longer than max_line_size is cut now and the rest skipped.
            let rest = total - start
            if rest > maxLine && !f.discarding {
                take(UnsafeBufferPointer(start: base + start, count: maxLine), offset: dataOffset + Int64(start),
                     next: dataOffset + Int64(total), truncated: true, file: f, fp: fp, readTime: readTime,
                     encoder: &encoder, builder: &builder, pattern: pattern)
                counters.malformed.add(1, ordering: .relaxed)
                f.discarding = true
                f.carry.removeAll(keepingCapacity: true)
                f.carryOffset = dataOffset + Int64(total)
            } else if f.discarding {
                f.carry.removeAll(keepingCapacity: true)
                f.carryOffset = dataOffset + Int64(total)
                if f.pending.isEmpty { f.committed = f.carryOffset }
            } else {
                f.carry.removeAll(keepingCapacity: true)
                f.carry.append(contentsOf: UnsafeBufferPointer(start: base + start, count: rest))
                f.carryOffset = dataOffset + Int64(start)
            }
        }
        return n
    }

    /// At the end of a `--once` run a last line without its newline is shipped too.
    private func flushPartialLine(_ f: TailedFile, encoder: inout FileLineEncoder, builder: inout BatchBuilder,
                                  pattern: PosixPattern?) {
        guard !f.carry.isEmpty, let fp = f.fingerprint else { return }
        let carry = f.carry
        let offset = f.carryOffset
        f.carry.removeAll()
        f.carryOffset = offset + Int64(carry.count)
        carry.withUnsafeBufferPointer { line in
            take(line, offset: offset, next: f.carryOffset, truncated: false, file: f, fp: fp,
                 readTime: Int64(Date().timeIntervalSince1970 * 1_000_000),
                 encoder: &encoder, builder: &builder, pattern: pattern)
        }
        if settings.multiline != nil && !f.pending.isEmpty { emitPending(f, encoder: &encoder, builder: &builder) }
    }

    /// One complete physical line: an event of its own, or part of a multiline group.
    @inline(__always)
    private func take(_ line: UnsafeBufferPointer<UInt8>, offset: Int64, next: Int64, truncated: Bool, file f: TailedFile,
                      fp: FileFingerprint, readTime: Int64, encoder: inout FileLineEncoder, builder: inout BatchBuilder,
                      pattern: PosixPattern?) {
        guard let pattern, let rule = settings.multiline else {
            emit(line, offset: offset, next: next, notes: truncated ? .truncated : [], file: f, fp: fp, readTime: readTime,
                 encoder: &encoder, builder: &builder)
            return
        }
        let matches = pattern.matches(line)
        let startsNew = rule.mode == .start ? matches : !matches
        if startsNew && !f.pending.isEmpty { emitPending(f, encoder: &encoder, builder: &builder) }
        if f.pending.isEmpty { f.pending.offset = offset; f.pending.started = MonotonicClock.seconds() }
        if f.pending.lines >= rule.maxLines || f.pending.bytes.count + line.count > rule.maxBytes {
            f.pending.truncated = true
            let room = rule.maxBytes - f.pending.bytes.count
            if f.pending.lines < rule.maxLines && room > 0 {
                if !f.pending.bytes.isEmpty { f.pending.bytes.append(0x0A) }
                f.pending.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: line[0..<max(0, room - 1)]))
                f.pending.lines += 1
            }
        } else {
            if f.pending.lines > 0 { f.pending.bytes.append(0x0A) }
            f.pending.bytes.append(contentsOf: line)
            f.pending.lines += 1
        }
        if truncated { f.pending.truncated = true }
        f.pending.end = next
    }

    private func emitPending(_ f: TailedFile, encoder: inout FileLineEncoder, builder: inout BatchBuilder) {
        guard let fp = f.fingerprint, !f.pending.isEmpty else { return }
        var notes: SyslogDocumentEncoder.Notes = f.pending.lines > 1 ? .multiline : []
        if f.pending.truncated { notes.insert(.multilineTruncated) }
        let event = f.pending
        f.pending = MultilineEvent()
        event.bytes.withUnsafeBufferPointer { line in
            emit(line, offset: event.offset, next: event.end, notes: notes, file: f, fp: fp,
                 readTime: Int64(Date().timeIntervalSince1970 * 1_000_000), encoder: &encoder, builder: &builder)
        }
    }

    @inline(__always)
    private func emit(_ line: UnsafeBufferPointer<UInt8>, offset: Int64, next: Int64, notes: SyslogDocumentEncoder.Notes,
                      file f: TailedFile, fp: FileFingerprint, readTime: Int64, encoder: inout FileLineEncoder,
                      builder: inout BatchBuilder) {
        encoder.append(line, offset: offset, file: f, fingerprint: fp, reference: max(f.mtimeMicros, 0) == 0 ? readTime : f.mtimeMicros,
                       readTime: readTime, notes: notes, to: &builder)
        counters.read.add(1, ordering: .relaxed)
        if encoder.lastWasMalformed {
            counters.malformed.add(1, ordering: .relaxed)
            malformedLog.log(logger, .warning, "line could not be parsed in the configured format; indexed with the raw text in event.original",
                             metadata: ["path": "\(f.path)", "offset": "\(offset)", "format": "\(settings.format.rawValue)"])
        }
        f.committed = next
        if builder.isFull { handOver(&builder) }
    }
}

/// A value behind a lock, read by tests while the input runs.
public final class Synchronized<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    public init(_ v: T) { value = v }
    public func withLock<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&value) } }
    public var current: T { withLock { $0 } }
}

public enum FileInputError: Error, CustomStringConvertible {
    case pattern(String)
    case checkpoint(String)
    public var description: String {
        switch self {
        case .pattern(let p): return "multiline pattern does not compile: \(p)"
        case .checkpoint(let c): return "checkpoint is not a file-input checkpoint (\(c)…); remove it to start over"
        }
    }
}
