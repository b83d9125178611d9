import Foundation
import Logging
import Glibc
@testable import Spool

/// A fresh spool directory under /tmp, removed by `cleanup()`.
struct TempDirectory {
    let path: String
    init(_ tag: String = "spool") {
        path = NSTemporaryDirectory() + "lb-\(tag)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    var spool: String { path + "/spool" }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

let quietLogger: Logger = {
    var l = Logger(label: "spool-test")
    l.logLevel = .critical
    return l
}()

/// A record shaped like an encoded bulk item: `action\ndocument\n`, numbered so order and loss are visible.
func bulkItem(_ n: Int, padTo size: Int = 0) -> [UInt8] {
    var doc = "{\"n\":\(n),\"message\":\"line \(n)\""
    if size > doc.count + 40 { doc += ",\"pad\":\"" + String(repeating: "x", count: size - doc.count - 40) + "\"" }
    doc += "}"
    return Array("{\"create\":{\"_id\":\"\(n)\"}}\n\(doc)\n".utf8)
}

/// The record number written by `bulkItem`.
func itemNumber(_ payload: [UInt8]) -> Int? {
    let text = String(decoding: payload, as: UTF8.self)
    guard let r = text.range(of: "\"_id\":\"") else { return nil }
    return Int(text[r.upperBound...].prefix(while: { $0.isNumber }))
}

func segmentFiles(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".seg") }.sorted()
}

func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : -1
}

/// Every record from `from` on that is already there (stops after `idle` seconds without a new one).
func readAll(_ spool: Spool, from: SpoolPosition? = nil, idle: Double = 0.05) throws -> [SpoolRecord] {
    let reader = SpoolReader(spool: spool, from: from)
    var out: [SpoolRecord] = []
    while let r = try reader.next(timeout: idle) { out.append(r) }
    return out
}

func patchByte(_ path: String, at offset: Int, xor mask: UInt8 = 0xFF) {
    let fd = open(path, O_RDWR)
    precondition(fd >= 0)
    var b: UInt8 = 0
    _ = pread(fd, &b, 1, off_t(offset))
    b ^= mask
    _ = pwrite(fd, &b, 1, off_t(offset))
    close(fd)
}

/// A spool at its cap (4 KiB, `.block`, `appendTimeout` 10 s) whose every record is acknowledged 200 ms from
/// now on another thread: an append made now has to wait for that acknowledgement. Returns the position
/// acknowledged.
func fullSpoolAcknowledgedSoon(_ dir: TempDirectory) throws -> (Spool, SpoolPosition) {
    let spool = try Spool(SpoolOptions(directory: dir.spool, segmentBytes: 1024, maxBytes: 4096, fsync: .never,
                                       appendTimeout: 10), logger: quietLogger)
    var last = SpoolPosition(segment: 0, offset: 0)
    while spool.metrics().bytesOnDisk + 200 <= 4096 { last = try spool.append(bulkItem(1)) }
    let acked = last
    Thread {
        usleep(200_000)
        spool.acknowledge(upTo: acked)
    }.start()
    return (spool, acked)
}
