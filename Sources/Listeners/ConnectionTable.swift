import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import Reporting

/// The open connections of one listener, with the limits every listener applies: at most `maxConnections`
/// in all and `maxPerAddress` from one source address, none silent for longer than `idleTimeout`.
///
/// When a limit is reached, the connection that has been silent longest (at least `minimumIdle`) is closed
/// to make room, and only when every connection is busy is the new one refused: a farm of idle or hostile
/// connections then cannot lock out a sender that has something to say (1,100 idle connections used to
/// keep every new syslog sender out). Connections that wait for the spool (`setWaiting`) are neither idle
/// nor evictable: they are senders held back on purpose.
///
/// The connections of all inputs' tables together also stay `descriptorReserve` below the process's open-file
/// limit, so that spool files, the cluster connections and `/metrics` always find a descriptor.
public final class ConnectionTable: Sendable {
    public struct Limits: Sendable, Equatable {
        public var maxConnections: Int
        public var maxPerAddress: Int
        public var idleTimeoutSeconds: Double
        public init(maxConnections: Int, maxPerAddress: Int, idleTimeoutSeconds: Double) {
            self.maxConnections = maxConnections; self.maxPerAddress = maxPerAddress; self.idleTimeoutSeconds = idleTimeoutSeconds
        }
    }

    /// One admitted connection. `touch` on every read; the table calls `close` to evict it or time it out.
    public final class Ticket: Sendable {
        public let address: String
        fileprivate let close: @Sendable () -> Void
        fileprivate let lastActivity: Atomic<Int64>
        fileprivate let waiting = Atomic<Bool>(false)
        fileprivate let closedByTable = Atomic<Bool>(false)
        fileprivate let serial: Int

        fileprivate init(address: String, serial: Int, close: @escaping @Sendable () -> Void) {
            self.address = address; self.serial = serial; self.close = close
            lastActivity = Atomic(MonotonicClock.coarseMilliseconds())
        }

        /// Bytes arrived. A relaxed store of a coarse clock: cheap enough for every read.
        @inline(__always) public func touch() { lastActivity.store(MonotonicClock.coarseMilliseconds(), ordering: .relaxed) }

        /// While true the connection is held back by the spool, not idle.
        public func setWaiting(_ on: Bool) {
            waiting.store(on, ordering: .relaxed)
            if !on { touch() }
        }

        /// True once the table evicted it or timed it out (its `close` has been called).
        public var isClosedByTable: Bool { closedByTable.load(ordering: .relaxed) }
    }

    public enum Admission {
        case admitted(Ticket)
        /// `perAddress`: the sender's address had its share; otherwise the listener was full.
        case refused(perAddress: Bool)
    }

    public let limits: Limits
    public let stats: ListenerStats
    /// False for the metrics endpoint: it lives on the reserve the others leave.
    public let countsAgainstDescriptorLimit: Bool
    /// Descriptors left for everything that is not an input's connection.
    public static let descriptorReserve = 64
    /// Connections open in every table that counts against the descriptor limit.
    static let openDescriptors = Atomic<Int>(0)
    /// A connection must have been silent this long to be evicted for a newcomer.
    public let minimumIdleMillis: Int64

    private struct State {
        var open: [Int: Ticket] = [:]
        var perAddress: [String: Int] = [:]
        var serial = 0
    }
    private let state = Mutex(State())
    private let sweeperStop = Atomic<Bool>(false)

    public init(limits: Limits, stats: ListenerStats = ListenerStats(), minimumIdleSeconds: Double = 1,
                countsAgainstDescriptorLimit: Bool = true) {
        self.limits = limits
        self.stats = stats
        self.countsAgainstDescriptorLimit = countsAgainstDescriptorLimit
        minimumIdleMillis = Int64(minimumIdleSeconds * 1000)
    }

    /// Admits a connection from `address` (an IP, without port), evicting the longest-idle one if a limit is
    /// reached. `close` must make the connection end soon (close the channel, shut the socket down); it is
    /// called with the table locked, so a thread-owned descriptor cannot be closed and reused under it.
    public func admit(address: String, close: @escaping @Sendable () -> Void) -> Admission {
        let now = MonotonicClock.coarseMilliseconds()
        return state.withLock { s in
            let fromAddress = s.perAddress[address, default: 0]
            var victim: Ticket? = nil
            if fromAddress >= limits.maxPerAddress {
                victim = longestIdle(s.open.values.lazy.filter { $0.address == address }, now: now)
                if victim == nil {
                    stats.refusedPerAddress.add(1, ordering: .relaxed)
                    return .refused(perAddress: true)
                }
            } else if s.open.count >= limits.maxConnections || processFull() {
                victim = longestIdle(s.open.values, now: now)
                if victim == nil {
                    stats.refusedTotal.add(1, ordering: .relaxed)
                    return .refused(perAddress: false)
                }
            }
            if let victim {
                remove(victim, &s)
                victim.closedByTable.store(true, ordering: .relaxed)
                victim.close()
                stats.evicted.add(1, ordering: .relaxed)
            }
            s.serial += 1
            let ticket = Ticket(address: address, serial: s.serial, close: close)
            s.open[ticket.serial] = ticket
            s.perAddress[address, default: 0] += 1
            if countsAgainstDescriptorLimit { Self.openDescriptors.add(1, ordering: .relaxed) }
            stats.accepted.add(1, ordering: .relaxed)
            stats.open.store(s.open.count, ordering: .relaxed)
            return .admitted(ticket)
        }
    }

    /// The connection ended (for whatever reason). Call before closing its descriptor.
    public func release(_ ticket: Ticket) {
        state.withLock { s in remove(ticket, &s) }
    }

    /// Closes every connection silent for longer than `idleTimeout`; returns how many. Run by `startSweeping`.
    @discardableResult
    public func closeIdle() -> Int {
        let now = MonotonicClock.coarseMilliseconds()
        let timeout = Int64(limits.idleTimeoutSeconds * 1000)
        return state.withLock { s in
            let expired = s.open.values.filter { !$0.waiting.load(ordering: .relaxed) && now - $0.lastActivity.load(ordering: .relaxed) >= timeout }
            for t in expired {
                remove(t, &s)
                t.closedByTable.store(true, ordering: .relaxed)
                t.close()
            }
            stats.idleClosed.add(expired.count, ordering: .relaxed)
            return expired.count
        }
    }

    /// A thread that applies the idle timeout a few times per timeout (at most once a second), until `stop`.
    public func startSweeping() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            let table = Unmanaged<ConnectionTable>.fromOpaque(arg!).takeRetainedValue()
            let period = min(1.0, max(0.05, table.limits.idleTimeoutSeconds / 4))
            while !table.sweeperStop.load(ordering: .relaxed) {
                usleep(UInt32(period * 1_000_000))
                table.closeIdle()
            }
            return nil
        }, box)
        if rc == 0 { pthread_detach(thread) } else { Unmanaged<ConnectionTable>.fromOpaque(box).release() }
    }

    /// Ends the sweeper and closes every connection still open.
    public func stop() {
        sweeperStop.store(true, ordering: .relaxed)
        state.withLock { s in
            for t in s.open.values { t.closedByTable.store(true, ordering: .relaxed); t.close() }
        }
    }

    public var openCount: Int { state.withLock { $0.open.count } }

    /// Out of descriptors after all (taken by something else): closes the longest-idle connection so that
    /// the next accept can succeed. False when none was idle.
    @discardableResult
    public func evictLongestIdle() -> Bool {
        let now = MonotonicClock.coarseMilliseconds()
        return state.withLock { s in
            guard let victim = longestIdle(s.open.values, now: now) else { return false }
            remove(victim, &s)
            victim.closedByTable.store(true, ordering: .relaxed)
            victim.close()
            stats.evicted.add(1, ordering: .relaxed)
            return true
        }
    }

    /// True when the inputs' connections have used the process's descriptors but the reserve. Read per
    /// connection attempt (one getrlimit), so a limit lowered from outside (`prlimit`) counts at once.
    private func processFull() -> Bool {
        guard countsAgainstDescriptorLimit else { return false }
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return false }
        return Self.openDescriptors.load(ordering: .relaxed) >= Int(limit.rlim_cur) - Self.descriptorReserve
    }

    private func remove(_ t: Ticket, _ s: inout State) {
        guard s.open.removeValue(forKey: t.serial) != nil else { return }
        if countsAgainstDescriptorLimit { Self.openDescriptors.subtract(1, ordering: .relaxed) }
        let left = s.perAddress[t.address, default: 1] - 1
        s.perAddress[t.address] = left > 0 ? left : nil
        stats.open.store(s.open.count, ordering: .relaxed)
    }

    private func longestIdle<S: Sequence>(_ candidates: S, now: Int64) -> Ticket? where S.Element == Ticket {
        var best: Ticket? = nil
        var bestAt = Int64.max
        for t in candidates where !t.waiting.load(ordering: .relaxed) {
            let at = t.lastActivity.load(ordering: .relaxed)
            if at < bestAt && now - at >= minimumIdleMillis { best = t; bestAt = at }
        }
        return best
    }
}
