import ECS
import Inputs
import Listeners
import Logging
import Spool
import SyslogFormat
import NIOCore
import Synchronization
import Instrumentation

/// One TCP or TLS connection: frames the stream, encodes each message into a spool record and hands the
/// records to the appender at the end of each read, or as soon as they reach `connectionBudget` bytes.
/// When the input's budget (`max_buffered`) is used, the connection stops at once: the rest of the read
/// stays unframed (wire bytes, not ~500-byte records), reading stops (autoRead off) and the sender's TCP
/// window closes until the appender has caught up. Nothing is dropped.
final class SyslogStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var framer: SyslogFramer
    private var encoder: SyslogRecordEncoder
    private let appender: SpoolAppender
    private let stats: SyslogReceiverStats
    private let ticket: ConnectionTable.Ticket
    private let table: ConnectionTable
    private let connectionBudget: Int
    private let counters: InputCounters?
    private let logger: Logger
    private var origin = SyslogDocumentEncoder.Origin()
    private var peer = "?"
    private var frames = 0
    /// This read's records, spool headers included. Taken from the appender's pool when a read brings a message
    /// and handed over at the end of the read, so an idle connection holds no buffer (a farm keeps hundreds open).
    private var batch: SpoolWriteBatch?
    private var paused = false
    /// The peer closed; held bytes may still be waiting for the budget.
    private var closed = false
    private var channel: Channel?

    init(framer: SyslogFramer, encoder: SyslogRecordEncoder, appender: SpoolAppender, stats: SyslogReceiverStats,
         ticket: ConnectionTable.Ticket, table: ConnectionTable, connectionBudget: Int, logger: Logger, counters: InputCounters?) {
        self.framer = framer; self.encoder = encoder; self.appender = appender; self.stats = stats
        self.ticket = ticket; self.table = table; self.connectionBudget = connectionBudget
        self.logger = logger; self.counters = counters
    }

    func channelActive(context: ChannelHandlerContext) {
        if let address = context.channel.remoteAddress {
            peer = "\(address)"
            if let ip = address.ipAddress { var b: [UInt8] = []; JSONBytes.appendString(ip, to: &b); origin.sourceIP = b }
        }
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        channel = context.channel
        appender.bursts.register(context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) { appender.bursts.unregister(context.channel) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        ticket.touch()
        // Paused, or another connection used the budget since this one last read: keep the bytes as they came.
        if paused || appender.isFull {
            buffer.withUnsafeReadableBytes { framer.hold($0) }
            if !paused { pause(context.eventLoop) }
            return
        }
        if buffer.withUnsafeReadableBytes({ frame($0) }) { pause(context.eventLoop) }
    }

    /// The connection is gone, but what it sent is kept: what is held is framed as the budget allows (after
    /// the pause when there is one), then the last unterminated message.
    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        table.release(ticket)
        if !paused { finishOrPause(context.eventLoop) }
        context.fireChannelInactive()
    }

    /// Frames `bytes`, after whatever the framer holds, until done or the input's budget is used; true when
    /// it stopped for the budget (the rest stays in the framer).
    private func frame(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var stop = false
        framer.feed(bytes, until: { frame, truncated in
            self.take(frame, truncated)
            guard self.batchBytes >= self.connectionBudget else { return true }
            stop = !self.handOver()
            return !stop
        })
        if !stop { stop = !handOver() }
        return stop
    }

    private func finishOrPause(_ loop: EventLoop) {
        if frame(UnsafeRawBufferPointer(start: nil, count: 0)) { pause(loop); return }
        framer.finish { frame, truncated in self.take(frame, truncated) }
        _ = handOver()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.warning("syslog connection error; closing it", metadata: ["peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }

    private func take(_ frame: UnsafeBufferPointer<UInt8>, _ truncated: Bool) {
        frames += 1
        stats.received.add(1, ordering: .relaxed)
        if truncated {
            stats.truncated.add(1, ordering: .relaxed)
            logger.warning("syslog message longer than max_message_size; truncated", metadata: ["peer": "\(peer)", "message_number": "\(frames)"])
        }
        if batch == nil { batch = appender.emptyBatch() }
        switch encoder.appendRecord(frame, truncated: truncated, origin: origin, to: &batch!) {
        case .ok: break
        case .malformed:
            stats.malformed.add(1, ordering: .relaxed)
            counters?.malformed.add(1, ordering: .relaxed)
            SyslogReceiver.malformedLog.log(logger, .warning, "syslog message could not be parsed or had invalid UTF-8; indexed with the raw text in event.original",
                                            metadata: ["peer": "\(peer)", "message_number": "\(frames)"])
        case .refused(let error):
            appender.lost(1)
            logger.error("cannot append a received message to the spool; dropped", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    private var batchBytes: Int { batch?.bytes.count ?? 0 }

    /// Queues the records gathered so far; false when the input's budget is now used (the caller stops).
    private func handOver() -> Bool {
        guard let full = batch else { return true }
        batch = nil
        if full.isEmpty { appender.recycle(full); return true }
        return appender.offer(full)
    }

    /// Stops reading until the appender is under its low-water mark, then frames what was held back.
    private func pause(_ loop: EventLoop) {
        guard !paused else { return }
        paused = true
        stats.listener.budgetPauses.add(1, ordering: .relaxed)
        if !closed {
            ticket.setWaiting(true)
            channel?.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
        let handler = NIOLoopBound(self, eventLoop: loop)
        appender.whenDrained {
            loop.execute { handler.value.resume(loop) }
        }
    }

    private func resume(_ loop: EventLoop) {
        paused = false
        if closed { finishOrPause(loop); return }
        if frame(UnsafeRawBufferPointer(start: nil, count: 0)) { pause(loop); return }
        ticket.setWaiting(false)
        channel?.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
    }
}
