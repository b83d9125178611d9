import NIOCore
import Synchronization

/// How many reads a syslog TCP/TLS connection makes per wake-up, for all the connections of one input at once:
/// a burst of `burst` reads while the input's spool appender has room, a single read once it holds half of
/// `max_buffered`, and bursts again when it is back under a quarter.
///
/// Why both: a single read (at most 64 KiB) per wake-up cost syslog over TCP ~1.2x the CPU and ~20 % of its rate
/// (docs/benchmark.md, 2026-12-02), since every 64 KiB then pays a full event-loop turn. But NIO decides a burst's
/// length when it starts, so a connection that fills the budget mid-burst still reads the rest of it, held
/// unframed. Narrowing every connection of the input as soon as the appender is half full (on the loop, inside
/// the hand-over that crossed the mark) keeps that to the one connection whose burst crossed it: the others make
/// one read when they next wake, and stop before the next.
final class ReadBursts: Sendable {
    static let burst: UInt = 16
    private struct State {
        var channels: [ObjectIdentifier: Channel] = [:]
        var wide = true
    }
    private let state = Mutex(State())
    let narrowAt: Int
    let widenBelow: Int

    init(highWater: Int) {
        narrowAt = highWater / 2
        widenBelow = highWater / 4
    }

    /// A new connection reads as the others do.
    func register(_ channel: Channel) {
        let wide = state.withLock { (s: inout State) -> Bool in
            s.channels[ObjectIdentifier(channel)] = channel
            return s.wide
        }
        if !wide { set([channel], 1) }
    }

    func unregister(_ channel: Channel) {
        state.withLock { _ = $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Called with the appender's queue after each hand-over; flips every connection when a mark is crossed.
    func queued(_ bytes: Int) {
        let flip = state.withLock { (s: inout State) -> (channels: [Channel], reads: UInt)? in
            if s.wide && bytes >= narrowAt { s.wide = false; return (Array(s.channels.values), 1) }
            if !s.wide && bytes < widenBelow { s.wide = true; return (Array(s.channels.values), Self.burst) }
            return nil
        }
        if let flip { set(flip.channels, flip.reads) }
    }

    /// On the channel's own loop `setOption` applies at once, so a connection narrowed here makes a single read
    /// at its next wake-up.
    private func set(_ channels: [Channel], _ reads: UInt) {
        for c in channels { c.setOption(ChannelOptions.maxMessagesPerRead, value: reads).whenComplete { _ in } }
    }
}
