#if canImport(Glibc)
import Glibc
#endif

/// A POSIX extended regular expression (glibc `regcomp`), matched against a line in place: `REG_STARTEND`
/// bounds the match, so lines need no copy and no terminating NUL.
final class PosixPattern: @unchecked Sendable {
    private var regex = regex_t()

    init?(_ pattern: String) {
        guard regcomp(&regex, pattern, REG_EXTENDED | REG_NOSUB) == 0 else { return nil }
    }

    deinit { regfree(&regex) }

    func matches(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = line.baseAddress else { return false }
        var range = regmatch_t(rm_so: 0, rm_eo: regoff_t(line.count))
        return base.withMemoryRebound(to: CChar.self, capacity: line.count) { p in
            regexec(&regex, p, 1, &range, REG_STARTEND) == 0
        }
    }
}
