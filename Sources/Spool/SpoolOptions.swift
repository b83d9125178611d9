/// When `append` returns, and what the caller may then promise its peer.
public enum FsyncPolicy: Sendable, Equatable {
    /// `append` returns only once the record is on stable storage. Concurrent appenders share one fsync
    /// (group commit). The only policy under which an InfoLogger ACK or a consumed TCP read is a promise.
    case always
    /// A background flush every so many seconds; a power cut loses at most that window.
    case interval(seconds: Double)
    /// The kernel writes back when it likes; a process crash loses nothing, a power cut may lose seconds.
    case never
}

/// What `append` does when the spool holds `maxBytes` of unacknowledged data.
public enum FullPolicy: Sendable, Equatable {
    /// Wait for acknowledgements to free whole segments (back-pressure: the network input stops reading).
    case block
    /// Delete the oldest unacknowledged segment, counting its records as dropped.
    case dropOldest
}

public struct SpoolOptions: Sendable {
    public var directory: String
    /// A new segment starts once the current one would grow past this.
    public var segmentBytes: Int
    /// The cap on segment bytes on disk (acknowledged segments are deleted, so this is the backlog).
    public var maxBytes: Int
    public var fsync: FsyncPolicy
    public var whenFull: FullPolicy
    /// How long `append` waits for room (cap reached under `.block`, or disk full) before throwing; nil waits forever.
    public var appendTimeout: Double?
    /// How often a write that hit ENOSPC/EDQUOT/EFBIG is retried while waiting.
    public var diskFullRetrySeconds: Double
    /// Larger records are refused; a length field beyond this is corruption. Also bounds reader memory.
    public var maxRecordBytes: Int
    /// The reader's read buffer (grows only for a record larger than it).
    public var readBufferBytes: Int

    public init(directory: String, segmentBytes: Int = 64 << 20, maxBytes: Int = 1 << 30,
                fsync: FsyncPolicy = .always, whenFull: FullPolicy = .block, appendTimeout: Double? = nil,
                diskFullRetrySeconds: Double = 1, maxRecordBytes: Int = 16 << 20, readBufferBytes: Int = 1 << 20) {
        self.directory = directory; self.segmentBytes = segmentBytes; self.maxBytes = maxBytes
        self.fsync = fsync; self.whenFull = whenFull; self.appendTimeout = appendTimeout
        self.diskFullRetrySeconds = diskFullRetrySeconds; self.maxRecordBytes = maxRecordBytes
        self.readBufferBytes = readBufferBytes
    }

    /// At least two segments must fit under the cap, or `dropOldest` would have nothing sealed to drop.
    var effectiveSegmentBytes: Int { max(1, min(segmentBytes, maxBytes / 2)) }
}
