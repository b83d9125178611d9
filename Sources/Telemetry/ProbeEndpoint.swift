import Listeners
import NIOCore
import NIOPosix

/// The HTTP listener for `/metrics`, `/health` and `/ready`. Deliberately tiny: `GET` (and `HEAD`) of a
/// path, one answer, connection closed. Scrapers and kubelet-style probes need nothing more, and a parser
/// this small leaves little to attack on a port that is reachable from the monitoring network.
///
/// Why not NIOHTTP1's decoder (it is in the swift-nio package already): this endpoint's memory bound is its own
/// 8 KiB request head × 64 connections (`ProbeRequestHandler.maxHeadBytes`, `limits`, a 431 past it). NIOHTTP1's
/// header limits are not: swift-nio 2.42–2.99 enforced none (apple/swift-nio#3608), 2.100 allowed 2 MB per
/// connection, 80 KB came back after that, and `Package.swift` accepts any swift-nio from 2.80. Configuring
/// `NIOHTTPDecoderLimitConfiguration` down to 8 KiB would need swift-nio ≥ 2.100 and would put the bound in a
/// dependency's accounting, which has changed three times, for ~30 lines of request-line parsing.
public final class ProbeEndpoint: Sendable {
    /// What one path answers: status, content type, body.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var contentType: String
        public var body: String
        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String) {
            self.status = status; self.contentType = contentType; self.body = body
        }
    }

    public typealias Route = @Sendable (_ path: String) -> Answer

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let table: ConnectionTable
    /// The port actually bound (useful when asked for port 0).
    public let port: Int
    /// Connections accepted, refused, evicted and timed out (`listener="metrics"` on `/metrics`).
    public var stats: ListenerStats { table.stats }

    /// A scraper or probe makes one short request per connection: 64 open connections (16 from one address)
    /// and 10 s to send a request head are plenty, and keep slow or idle clients from holding the port.
    public static let limits = ConnectionTable.Limits(maxConnections: 64, maxPerAddress: 16, idleTimeoutSeconds: 10)

    /// Binds `host:port` and starts answering with `route`.
    public init(host: String, port: Int, limits: ConnectionTable.Limits = ProbeEndpoint.limits, route: @escaping Route) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let table = ConnectionTable(limits: limits, countsAgainstDescriptorLimit: false)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Out of descriptors: pause accepting for a second rather than spin, and count it.
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { _ in
                        table.stats.acceptErrors.add(1, ordering: .relaxed)
                        return .seconds(1)
                    })
                }
            }
            .childChannelInitializer { channel in
                // The table calls `close` with its lock held, maybe from this loop: close later, never re-entrantly.
                guard case .admitted(let ticket) = table.admit(address: channel.remoteAddress?.ipAddress ?? "?", close: {
                    channel.eventLoop.execute { channel.close(promise: nil) }
                }) else { return channel.close() }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ProbeRequestHandler(route: route, ticket: ticket, table: table))
                }
            }
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        table.startSweeping()
        self.table = table
        self.group = group
        self.port = channel.localAddress?.port ?? port
    }

    public func stop() {
        try? channel.close().wait()
        table.stop()
        try? group.syncShutdownGracefully()
    }
}

/// Collects the request head (up to a small limit), answers, closes.
final class ProbeRequestHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A request head larger than this is not a probe.
    static let maxHeadBytes = 8192

    private let route: ProbeEndpoint.Route
    private let ticket: ConnectionTable.Ticket
    private let table: ConnectionTable
    private var head: [UInt8] = []
    private var answered = false

    init(route: @escaping ProbeEndpoint.Route, ticket: ConnectionTable.Ticket, table: ConnectionTable) {
        self.route = route; self.ticket = ticket; self.table = table
    }

    func channelInactive(context: ChannelHandlerContext) {
        table.release(ticket)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        ticket.touch()
        guard !answered else { return }
        var buffer = unwrapInboundIn(data)
        head += buffer.readBytes(length: buffer.readableBytes) ?? []
        switch ProbeRequest.parse(head, limit: Self.maxHeadBytes) {
        case .incomplete: return
        case .invalid(let status, let why):
            respond(context, ProbeEndpoint.Answer(status: status, body: why + "\n"), includeBody: true)
        case .request(let method, let path):
            guard method == "GET" || method == "HEAD" else {
                respond(context, ProbeEndpoint.Answer(status: 405, body: "only GET and HEAD\n"), includeBody: true)
                return
            }
            respond(context, route(path), includeBody: method == "GET")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(_ context: ChannelHandlerContext, _ answer: ProbeEndpoint.Answer, includeBody: Bool) {
        answered = true
        let body = Array(answer.body.utf8)
        var text = "HTTP/1.1 \(answer.status) \(ProbeRequest.reason(answer.status))\r\n"
        text += "Content-Type: \(answer.contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var out = context.channel.allocator.buffer(capacity: text.utf8.count + body.count)
        out.writeString(text)
        if includeBody { out.writeBytes(body) }
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in context.close(promise: nil) }
    }
}

/// The request line of an HTTP/1.x request, once its head is complete.
enum ProbeRequest: Equatable {
    case incomplete
    case invalid(status: Int, String)
    case request(method: String, path: String)

    static func parse(_ bytes: [UInt8], limit: Int) -> ProbeRequest {
        let end: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = bytes.firstRange(of: end) else {
            return bytes.count > limit ? .invalid(status: 431, "request head too large") : .incomplete
        }
        guard headEnd.lowerBound <= limit else { return .invalid(status: 431, "request head too large") }
        let firstLine = bytes[..<(bytes.firstRange(of: [13, 10])?.lowerBound ?? headEnd.lowerBound)]
        let parts = firstLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].starts(with: Array("HTTP/1.".utf8)) else {
            return .invalid(status: 400, "not an HTTP/1 request line")
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        // Query strings are ignored: Prometheus may add some, they select nothing here.
        let path = String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        return .request(method: String(decoding: parts[0], as: UTF8.self), path: path)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 431: return "Request Header Fields Too Large"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
