import Config
import ECS
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `tee:` in server mode — passes every message on to a real infoLoggerServer, speaking infoLoggerD's side of
/// the protocol (own INI, own ids, frames resent after a reconnect until acknowledged). Best effort by design:
/// ingestion never waits for it; past `tee_queue` messages (queued plus unacknowledged) new ones are dropped
/// and counted. LogBridge's own spool, not the tee, is what guarantees delivery to the cluster.
final class TeeForwarder: Sendable {
    let target: InfoLoggerInputSettings.Endpoint
    let capacity: Int
    let counters: InfoLoggerCounters
    let logger: Logger
    let threads: ReceiverThreads
    private let queue = Mutex<[[UInt8]]>([])
    private let queued = Atomic<Int>(0)

    init(target: InfoLoggerInputSettings.Endpoint, capacity: Int, counters: InfoLoggerCounters, logger: Logger,
         threads: ReceiverThreads) {
        self.target = target; self.capacity = capacity; self.counters = counters; self.logger = logger; self.threads = threads
    }

    func start() { threads.spawn { [self] in run() } }

    /// Called on the ingest path: one copy of the record, never a wait.
    func forward(_ record: UnsafeBufferPointer<UInt8>) {
        guard queued.load(ordering: .relaxed) < capacity else {
            counters.teeDropped.add(1, ordering: .relaxed)
            return
        }
        queued.add(1, ordering: .relaxed)
        let copy = Array(record)
        queue.withLock { $0.append(copy) }
    }

    private func run() {
        var backoff = Backoff(maxSeconds: 30)
        var unacked: [(id: UInt64, record: [UInt8])] = []
        var nextID: UInt64 = 1
        while !threads.isStopping {
            guard let fd = connect() else {
                guard threads.pause(backoff.next()) else { return }
                continue
            }
            backoff.reset()
            threads.track(fd)
            // A new connection: unacknowledged frames go again, renumbered (infoLoggerD does the same after a restart).
            for i in unacked.indices { unacked[i].id = nextID; nextID += 1 }
            var ok = send(unacked, fd)
            var acks = ReceiveBuffer(capacity: 4096)
            while ok && !threads.isStopping {
                let batch = queue.withLock { q -> [[UInt8]] in let out = q; q.removeAll(keepingCapacity: true); return out }
                var frames: [(id: UInt64, record: [UInt8])] = []
                frames.reserveCapacity(batch.count)
                for r in batch { frames.append((nextID, r)); nextID += 1 }
                unacked.append(contentsOf: frames)
                ok = send(frames, fd)
                if !ok { break }
                if PosixSocket.waitReadable(fd, milliseconds: batch.isEmpty ? 50 : 0) {
                    if acks.read(from: fd, reserving: 1024) <= 0 { ok = false; break }
                    if let acked = Self.lastAck(&acks) {
                        let before = unacked.count
                        unacked.removeAll { $0.id <= acked }
                        let done = before - unacked.count
                        counters.teeForwarded.add(done, ordering: .relaxed)
                        queued.subtract(done, ordering: .relaxed)
                    }
                }
            }
            acks = ReceiveBuffer(capacity: 16)
            threads.closeTracked(fd)
            if !threads.isStopping {
                logger.warning("InfoLogger tee: connection lost; reconnecting",
                               metadata: ["tee": "\(target)", "unacknowledged": "\(unacked.count)"])
                guard threads.pause(backoff.next()) else { return }
            }
        }
    }

    /// Connects and completes the handshake (`INI` → `READY`), or nil.
    private func connect() -> Int32? {
        do {
            let fd = try PosixSocket.connectTCP(host: target.host, port: target.port, timeoutSeconds: 5)
            guard PosixSocket.send(fd, Array("INI logbridge 1\n".utf8)), PosixSocket.waitReadable(fd, milliseconds: 15_000) else {
                close(fd); return nil
            }
            var reply = [UInt8](repeating: 0, count: 64)
            let n = read(fd, &reply, 6)
            guard n == 6, reply.prefix(6).elementsEqual("READY\n".utf8) else {
                logger.warning("InfoLogger tee: server did not answer READY", metadata: ["tee": "\(target)"])
                close(fd); return nil
            }
            return fd
        } catch {
            logger.warning("InfoLogger tee: cannot connect", metadata: ["tee": "\(target)", "error": "\(error)"])
            return nil
        }
    }

    private func send(_ frames: [(id: UInt64, record: [UInt8])], _ fd: Int32) -> Bool {
        guard !frames.isEmpty else { return true }
        var out: [UInt8] = []
        for f in frames {
            out.append(contentsOf: "File logbridge ".utf8)
            JSONBytes.appendUnsigned(f.id, to: &out)
            out.append(contentsOf: " 1 ".utf8)
            JSONBytes.appendUnsigned(UInt64(f.record.count + 1), to: &out)
            out.append(0x0A)
            out.append(contentsOf: f.record)
            out.append(0)
            out.append(contentsOf: "END\n".utf8)
        }
        return PosixSocket.send(fd, out)
    }

    /// The highest id in the complete `ACK <min> <maj>` lines read so far (cumulative, so the last one wins).
    static func lastAck(_ b: inout ReceiveBuffer) -> UInt64? {
        var result: UInt64? = nil
        let bytes = b.bytes
        var lineStart = 0
        while let nl = bytes[lineStart...].firstIndex(of: 0x0A) {
            let line = bytes[lineStart..<nl]
            if line.starts(with: "ACK ".utf8) {
                let digits = line.dropFirst(4).prefix { $0 != 0x20 }
                if let v = UInt64(String(decoding: digits, as: UTF8.self)) { result = v }
            }
            lineStart = nl + 1
        }
        b.start += lineStart
        return result
    }
}
