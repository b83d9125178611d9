import Pipeline

/// Where every file of one input stands: one line per file, `v1` first.
///
///     v1
///     <device> <inode> <offset> <fingerprint length> <fingerprint hex> <path>
///
/// The path is informative (files are matched by device, inode and fingerprint); it goes last so that
/// spaces in it need no quoting.
struct FileCheckpoint: Equatable {
    struct Entry: Equatable {
        var device: UInt64
        var inode: UInt64
        var offset: Int64
        var fingerprint: FileFingerprint
        var path: String
    }
    var entries: [Entry] = []

    init(entries: [Entry] = []) { self.entries = entries }

    init?(_ checkpoint: Checkpoint) {
        var lines = checkpoint.value.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == "v1" else { return nil }
        lines.removeFirst()
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: false)
            guard parts.count == 6, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]), let off = Int64(parts[2]),
                  let len = Int(parts[3]), let hash = FileFingerprint.parseHex(parts[4]) else { return nil }
            entries.append(Entry(device: dev, inode: ino, offset: off, fingerprint: FileFingerprint(length: len, hash: hash),
                                 path: String(parts[5])))
        }
    }

    var checkpoint: Checkpoint {
        var s = "v1\n"
        for e in entries {
            s += "\(e.device) \(e.inode) \(e.offset) \(e.fingerprint.length) \(e.fingerprint.hex) \(e.path)\n"
        }
        return Checkpoint(s)
    }
}
