#if canImport(Glibc)
import Glibc
#endif

/// The miner's state file, `<directory>/<name>.patterns`: what a restart needs to continue rather than
/// relearn, in a text format a person can read. Replaced atomically (temporary file, fsync, rename, fsync of
/// the directory), like the checkpoints: a crash leaves the old or the new file.
///
/// Line 1 `logbridge-patterns 1`; then `c` with the counters; one `p` line per pattern, least recently used
/// first (id, seq, count, first, last, revision, leaves, aliases, then tab, template, tab, example with
/// `\xNN` escapes); one `l` line per leaf with its patterns in search order. Token hashes are not stored:
/// they are recomputed from the template text, which is exactly the masked bytes they were hashed from.
extension PatternMiner {
    public static func stateFile(directory: String, name: String) -> String {
        var safe = ""
        for c in name.unicodeScalars {
            safe.unicodeScalars.append(c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c == "." ? c : "_")
        }
        return directory + "/" + (safe.isEmpty ? "_" : safe) + ".patterns"
    }

    public func save(directory: String, name: String) throws {
        try Self.writeState(encodedState(), directory: directory, name: name)
    }

    /// Writes bytes from `encodedState()`: a caller sharing the miner between threads encodes under its lock
    /// and leaves the fsyncs outside it.
    public static func writeState(_ bytes: [UInt8], directory: String, name: String) throws {
        try replaceFile(stateFile(directory: directory, name: name), directory: directory, with: bytes)
    }

    /// The state file's bytes.
    public func encodedState() -> [UInt8] {
        var out: [UInt8] = []
        func line(_ s: String) { out.append(contentsOf: s.utf8); out.append(0x0A) }
        func hex(_ v: UInt64) -> String { PatternID(rawValue: v).description }
        line("logbridge-patterns 1")
        line("c \(counters.messages) \(counters.created) \(counters.evictions) \(counters.truncatedMessages) \(counters.merges) \(nextSeq)")
        var slot = oldest
        while slot >= 0 {
            let p = patterns[Int(slot)]
            let aliases = p.aliases.isEmpty ? "-" : p.aliases.map(hex).joined(separator: ",")
            out.append(contentsOf: "p \(hex(p.id)) \(p.seq) \(p.count) \(p.firstSeen) \(p.lastSeen) \(p.revision) \(p.leaves.map(hex).joined(separator: ",")) \(aliases)\t".utf8)
            out.append(contentsOf: p.template)
            out.append(0x09)
            Self.escape(p.example, into: &out)
            out.append(0x0A)
            slot = p.newer
        }
        for (key, members) in leaves.sorted(by: { $0.key < $1.key }) {
            line("l \(hex(key)) " + members.map { hex(patterns[Int($0)].id) }.joined(separator: ","))
        }
        return out
    }

    /// A miner continuing from the state saved under `name`, or a fresh one when there is none.
    public convenience init(directory: String, name: String, limits: MinerLimits = MinerLimits()) throws {
        self.init(limits: limits)
        let path = Self.stateFile(directory: directory, name: name)
        guard let bytes = try Self.readFile(path) else { return }
        try load(bytes, path: path)
    }

    private func load(_ bytes: [UInt8], path: String) throws {
        var lineNo = 0
        var leafLines: [(UInt64, [UInt64])] = []
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            lineNo += 1
            func bad(_ why: String) -> PatternStateError { PatternStateError.malformed(path: path, line: lineNo, why) }
            if lineNo == 1 {
                guard String(decoding: raw, as: UTF8.self) == "logbridge-patterns 1" else { throw bad("not a version-1 pattern state file") }
                continue
            }
            switch raw.first {
            case UInt8(ascii: "c"):
                let f = String(decoding: raw, as: UTF8.self).split(separator: " ").dropFirst().compactMap { UInt64($0) }
                guard f.count == 6 else { throw bad("counters") }
                counters.messages = f[0]; counters.created = f[1]; counters.evictions = f[2]
                counters.truncatedMessages = f[3]; counters.merges = f[4]; nextSeq = f[5]
            case UInt8(ascii: "p"):
                let parts = raw.split(separator: 0x09, maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { throw bad("pattern: expected three tab-separated parts") }
                let f = String(decoding: parts[0], as: UTF8.self).split(separator: " ")
                guard f.count == 9, let id = UInt64(f[1], radix: 16), let seq = UInt64(f[2]), let count = UInt64(f[3]),
                      let first = Int64(f[4]), let last = Int64(f[5]), let revision = UInt32(f[6]) else { throw bad("pattern fields") }
                let leafKeys = f[7].split(separator: ",").compactMap { UInt64($0, radix: 16) }
                let aliases = f[8] == "-" ? [] : f[8].split(separator: ",").compactMap { UInt64($0, radix: 16) }
                let template = Array(parts[1])
                var tokens: [UInt64] = []
                for token in template.split(separator: 0x20, omittingEmptySubsequences: false) where !template.isEmpty {
                    var h = HashSink()
                    token.withUnsafeBytes { h.put($0) }
                    tokens.append(h.value)
                }
                let p = Pattern(id: id, seq: seq, tokens: tokens, template: template, templateHash: Self.skeletonHash(tokens),
                                example: Self.unescape(Array(parts[2])), count: count, firstSeen: first, lastSeen: last,
                                revision: revision, wildcards: tokens.reduce(0) { $0 + ($1 == HashSink.wildcard ? 1 : 0) },
                                leaves: leafKeys, aliases: aliases, live: true)
                guard byID[id] == nil else { throw bad("pattern \(PatternID(rawValue: id)) twice") }
                let slot = Int32(patterns.count)
                patterns.append(p)
                byID[id] = slot
                if byTemplate[p.templateHash] == nil { byTemplate[p.templateHash] = slot }
                for a in aliases { aliasOf[a] = id }
                pushNewest(slot)
            case UInt8(ascii: "l"):
                let f = String(decoding: raw, as: UTF8.self).split(separator: " ")
                guard f.count == 3, let key = UInt64(f[1], radix: 16) else { throw bad("leaf") }
                leafLines.append((key, f[2].split(separator: ",").compactMap { UInt64($0, radix: 16) }))
            default:
                throw bad("unknown line")
            }
        }
        for (key, ids) in leafLines {
            leaves[key] = ids.compactMap { byID[$0] }
        }
        counters.patterns = byID.count
        // A state saved under a larger cap: drop the least recently used down to this one.
        while byID.count > limits.maxPatterns, oldest >= 0 { evictOldest() }
    }

    static func escape(_ bytes: [UInt8], into out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        for b in bytes {
            if b < 0x20 || b == UInt8(ascii: "\\") || b == 0x7F {
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), digits[Int(b >> 4)], digits[Int(b & 15)]])
            } else {
                out.append(b)
            }
        }
    }

    static func unescape(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\"), i + 3 < bytes.count, bytes[i + 1] == UInt8(ascii: "x"),
               let hi = nibble(bytes[i + 2]), let lo = nibble(bytes[i + 3]) {
                out.append(hi << 4 | lo)
                i += 4
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    static func readFile(_ path: String) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw PatternStateError.io(path: path, what: "open", errno: errno)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PatternStateError.io(path: path, what: "read", errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    static func replaceFile(_ path: String, directory: String, with data: [UInt8]) throws {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw PatternStateError.io(path: directory, what: "mkdir", errno: errno) }
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 { throw PatternStateError.io(path: tmp, what: "create", errno: errno) }
        var off = 0
        while off < data.count {
            let n = data[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd); unlink(tmp)
                throw PatternStateError.io(path: tmp, what: "write", errno: e)
            }
            off += n
        }
        if fsync(fd) != 0 { let e = errno; close(fd); unlink(tmp); throw PatternStateError.io(path: tmp, what: "fsync", errno: e) }
        close(fd)
        if rename(tmp, path) != 0 { throw PatternStateError.io(path: path, what: "rename", errno: errno) }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}

public enum PatternStateError: Error, CustomStringConvertible, Equatable {
    case io(path: String, what: String, errno: Int32)
    case malformed(path: String, line: Int, String)

    public var description: String {
        switch self {
        case let .io(path, what, e): return "\(path): \(what) failed: \(String(cString: strerror(e)))"
        case let .malformed(path, line, why): return "\(path):\(line): malformed pattern state: \(why)"
        }
    }
}
