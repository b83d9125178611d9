import Foundation

/// A real small file system to fill up: a tmpfs of `size` (e.g. "1m") mounted over `path`, which is created.
/// The tests run as root; not being able to mount is an error, so the disk-full paths never go silently untested.
public struct TmpfsMount: Sendable {
    public let path: String

    public init(at path: String, size: String) throws {
        self.path = path
        mkdir(path, 0o700)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(size),mode=0700") == 0 else {
            throw TestError("cannot mount a tmpfs on \(path): \(String(cString: strerror(errno))) (the tests need root)")
        }
    }

    public func unmount() { umount2(path, Int32(MNT_DETACH)) }
}
