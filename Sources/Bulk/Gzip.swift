import CIgzip

/// A gzipped request body in memory libcurl may point at for the whole transfer (a Swift array may move).
final class RequestBody {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    private init(pointer: UnsafeMutableRawPointer, count: Int) { self.pointer = pointer; self.count = count }

    deinit { pointer.deallocate() }

    /// igzip's level 1 (see the CIgzip shim for the measured choice): on a shared 2-core box CPU matters more
    /// than the last few percent of ratio for log lines.
    static func gzipped(_ bytes: [UInt8]) -> RequestBody? {
        let capacity = lb_gzip_bound(bytes.count)
        let out = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        let produced = bytes.withUnsafeBytes { raw -> Int in
            lb_gzip(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count,
                    out.assumingMemoryBound(to: UInt8.self), capacity)
        }
        if produced == 0 { out.deallocate(); return nil }
        return RequestBody(pointer: out, count: produced)
    }

    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(start: pointer, count: count)) }
}
