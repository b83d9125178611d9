#if canImport(Glibc)
import Glibc
#endif

public enum SpoolError: Error, CustomStringConvertible, Equatable {
    case io(path: String, what: String, errno: Int32)
    case recordTooLarge(bytes: Int, limit: Int)
    /// The cap was reached under `.block` and no acknowledgement freed room within `appendTimeout`.
    case full(timeout: Double)
    /// The file system had no room (ENOSPC, EDQUOT, EFBIG) for `appendTimeout`; nothing half-written was kept.
    case diskFull(errno: Int32)
    case closed

    public var description: String {
        switch self {
        case let .io(path, what, e): return "\(what) \(path): \(String(cString: strerror(e)))"
        case let .recordTooLarge(bytes, limit): return "spool record of \(bytes) bytes exceeds the limit of \(limit)"
        case let .full(timeout): return "spool full: no acknowledgement freed room within \(timeout) s"
        case let .diskFull(e): return "spool disk full: \(String(cString: strerror(e)))"
        case .closed: return "spool closed"
        }
    }
}
