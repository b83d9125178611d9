import CSystemd
import Config
import Glibc

func errnoText(_ e: Int32) -> String { String(cString: strerror(e)) }

/// An open sd-journal with the input's source and matches applied; closed when dropped.
final class JournalHandle: @unchecked Sendable {
    let handle: OpaquePointer

    init(source: JournaldInputSettings.Source, matches: [String]) throws {
        var j: OpaquePointer? = nil
        var r: Int32
        switch source {
        case .local:
            r = sd_journal_open(&j, Int32(SD_JOURNAL_LOCAL_ONLY))
        case .directory(let dir):
            r = sd_journal_open_directory(&j, dir, 0)
        case .files(let patterns):
            let paths = expandGlobs(patterns)
            if paths.isEmpty { throw JournaldError.open("no journal file matches \(patterns)", 0) }
            var cStrings: [UnsafeMutablePointer<CChar>?] = paths.map { strdup($0) }
            cStrings.append(nil)
            r = cStrings.withUnsafeMutableBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) {
                    sd_journal_open_files(&j, $0, 0)
                }
            }
            for p in cStrings { free(p) }
        }
        guard r >= 0, let opened = j else { throw JournaldError.open(Self.describe(source), -r) }
        // The default threshold cuts fields at 64 KiB; every byte of every field is wanted.
        _ = sd_journal_set_data_threshold(opened, 0)
        for m in matches {
            var s = m
            let rc = s.withUTF8 { sd_journal_add_match(opened, $0.baseAddress, $0.count) }
            if rc < 0 { sd_journal_close(opened); throw JournaldError.match(m, -rc) }
        }
        handle = opened
    }

    deinit { sd_journal_close(handle) }

    /// The source as an operator wrote it, for messages.
    static func describe(_ source: JournaldInputSettings.Source) -> String {
        switch source {
        case .local: return "of this machine"
        case .directory(let dir): return dir
        case .files(let patterns): return patterns.joined(separator: ", ")
        }
    }

    func seekHead() { _ = sd_journal_seek_head(handle) }

    /// Positions so that the next `sd_journal_next` returns the first new entry.
    func seekTail() {
        _ = sd_journal_seek_tail(handle)
        _ = sd_journal_previous(handle)
    }

    /// Positions right after the entry named by `cursor`; false when that entry is gone.
    func resume(after cursor: String) -> Bool {
        guard sd_journal_seek_cursor(handle, cursor) >= 0 else { return false }
        guard sd_journal_next(handle) > 0 else { return false }
        if sd_journal_test_cursor(handle, cursor) > 0 { return true }
        // seek_cursor lands on the nearest entry when the exact one is gone: start over from the oldest.
        _ = sd_journal_seek_head(handle)
        return false
    }
}

func expandGlobs(_ patterns: [String]) -> [String] {
    var out: [String] = []
    for p in patterns {
        var g = glob_t()
        defer { globfree(&g) }
        if glob(p, 0, nil, &g) == 0 {
            for i in 0..<Int(g.gl_pathc) { if let s = g.gl_pathv[i] { out.append(String(cString: s)) } }
        }
    }
    return out
}

public enum JournaldError: Error, CustomStringConvertible {
    case open(String, Int32)
    case match(String, Int32)
    public var description: String {
        switch self {
        case let .open(what, e): return "cannot open journal \(what)" + (e != 0 ? ": \(errnoText(e))" : "")
        case let .match(m, e): return "invalid journal match \"\(m)\": \(errnoText(e))"
        }
    }
}
