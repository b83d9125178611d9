import ArgumentParser
import Patterns
#if canImport(Glibc)
import Glibc
#endif

struct PatternsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patterns",
        abstract: "Log patterns: mine templates from messages, and read the catalogue the shippers write.",
        subcommands: [Mine.self, PatternsList.self, PatternsShow.self])

    struct Mine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read one message per line; print one JSON object per line: pattern_id and template.",
            discussion: """
                Each output line is {"pattern_id":"<16 hex>","template":"..."}, in input order, with the template \
                as it stood when that message arrived (it may widen later; the id stays). With --summary, one line \
                per pattern instead: count, id and current template, most frequent first. The input is the \
                message only, its header split off. Algorithm and id contract: docs/patterns.md.
                """)
        @Argument(help: "Input file, or - for standard input.") var file: String = "-"
        @Flag(help: "Print the patterns with their counts instead of one line per message.") var summary = false
        @Option(help: "Directory of the miner's state: loaded before, saved after (continue, not relearn).")
        var state: String?
        @Option(help: "Name of the state file in --state.") var name: String = "patterns"
        @Option(help: "Most patterns kept (least recently used ones are evicted).") var maxPatterns: Int = 10_000
        @Option(help: ArgumentHelp(
            "Feed the input this many times (kept in memory); passes after the first print to standard error the "
                + "patterns they created and the miner's CPU time per message: its steady-state cost."))
        var passes: Int = 1

        func run() throws {
            var limits = MinerLimits()
            limits.maxPatterns = maxPatterns
            let miner: PatternMiner
            do {
                miner = try state.map { try PatternMiner(directory: $0, name: name, limits: limits) } ?? PatternMiner(limits: limits)
            } catch { throw ValidationError("--state: \(error)") }
            let fd: Int32 = file == "-" ? 0 : open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ValidationError("\(file): \(String(cString: strerror(errno)))") }
            defer { if fd != 0 { close(fd) } }
            var out = OutputBuffer()
            var lines = LineRenderer()
            var kept = KeptLines(keep: passes > 1)
            try LineReader.forEachLine(fd: fd, path: file) { line in
                kept.add(line)
                let id = miner.assign(line)
                if !summary { lines.render(id, miner, into: &out) }
            }
            if passes > 1 { refeed(miner, kept) }
            if summary {
                for p in miner.allPatterns() {
                    out.append("\(p.count)\t\(p.id)\t\(p.template)\n")
                }
                let c = miner.counters
                out.append("# \(c.messages) messages, \(c.patterns) patterns, \(c.evictions) evicted, \(c.merges) merged, \(c.truncatedMessages) truncated\n")
            }
            out.flush()
            if let dir = state {
                do { try miner.save(directory: dir, name: name) } catch { throw ValidationError("--state: \(error)") }
            }
        }
    }
}

extension PatternsCommand.Mine {
    /// Passes 2…N over the kept lines, timed with the thread's CPU clock around the miner alone.
    func refeed(_ miner: PatternMiner, _ kept: KeptLines) {
        for pass in 2...passes {
            let before = miner.counters.created
            let start = threadCPUNanoseconds()
            kept.bytes.withUnsafeBytes { all in
                var from = 0
                for end in kept.ends {
                    miner.assign(UnsafeRawBufferPointer(rebasing: all[from..<end]))
                    from = end
                }
            }
            let ns = threadCPUNanoseconds() - start
            let perMessage = Double(ns) / Double(max(1, kept.ends.count))
            let line = "pass \(pass): \(kept.ends.count) messages, \(miner.counters.created - before) new patterns, "
                + "\(Int((perMessage * 10).rounded()) / 10).\(Int((perMessage * 10).rounded()) % 10) ns/message (miner CPU)\n"
            _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        }
    }

    private func threadCPUNanoseconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }
}

/// The input lines, kept in one buffer for `--passes`.
struct KeptLines {
    let keep: Bool
    var bytes: [UInt8] = []
    var ends: [Int] = []
    mutating func add(_ line: UnsafeRawBufferPointer) {
        guard keep else { return }
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }
}

/// The JSON line of each pattern, rebuilt only when its template widened: output costs a copy per message.
private struct LineRenderer {
    var cache: [PatternID: (revision: UInt32, line: [UInt8])] = [:]

    mutating func render(_ id: PatternID, _ miner: PatternMiner, into out: inout OutputBuffer) {
        let revision = miner.lastRevision
        if let hit = cache[id], hit.revision == revision {
            out.append(hit.line)
            return
        }
        var line = Array("{\"pattern_id\":\"\(id)\",\"template\":\"".utf8)
        // Through String: bytes that are not UTF-8 become U+FFFD, so every output line is valid JSON.
        var text = miner.template(of: id) ?? ""
        text.withUTF8 { JSONString.escape(UnsafeRawBufferPointer($0), into: &line) }
        line.append(contentsOf: "\"}\n".utf8)
        cache[id] = (revision, line)
        out.append(line)
    }
}

enum JSONString {
    static func escape(_ bytes: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0..<0x20, 0x7F: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, digits[Int(b >> 4)], digits[Int(b & 15)]])
            default: out.append(b)
            }
        }
    }
}

/// Standard output through one 256 KiB buffer (a write per line would cap the command near 300k lines/s).
private struct OutputBuffer {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(1 << 18) }
    mutating func append(_ b: [UInt8]) {
        bytes.append(contentsOf: b)
        if bytes.count >= 1 << 18 { flush() }
    }
    mutating func append(_ s: String) { append(Array(s.utf8)) }
    mutating func flush() {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            off += n
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Lines of a file descriptor without a copy per line: `\n`-separated, a trailing `\r` dropped; invalid UTF-8
/// passes through (the miner reads bytes).
enum LineReader {
    static func forEachLine(fd: Int32, path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        while true {
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ValidationError("\(path): \(String(cString: strerror(errno)))")
            }
            let eof = n == 0
            filled += n
            let consumed = buffer.withUnsafeBytes { all -> Int in
                var start = 0
                var i = 0
                while i < filled {
                    if all[i] == 0x0A {
                        body(trimmed(UnsafeRawBufferPointer(rebasing: all[start..<i])))
                        start = i + 1
                    }
                    i += 1
                }
                if eof && start < filled {
                    body(trimmed(UnsafeRawBufferPointer(rebasing: all[start..<filled])))
                    start = filled
                }
                return start
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { b in
                    if filled > consumed { memmove(b.baseAddress!, b.baseAddress! + consumed, filled - consumed) }
                }
                filled -= consumed
            }
            if eof { return }
        }
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let last = line.last, last == 0x0D { return UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        return line
    }
}
