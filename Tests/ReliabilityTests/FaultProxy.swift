import Foundation
import TestSupport

/// A real HTTP/1.1 proxy on 127.0.0.1 between `logbridge` and a real osmem-server that misbehaves on purpose.
///
/// Faults are honest about what reached the cluster: a request answered 429/500/413 or reset before
/// forwarding never reaches osmem; a "partial 429" forwards only the items it does not reject and merges
/// osmem's answer with the rejections; a reset *after* forwarding loses an answer the cluster did give
/// (the shipper must then resend, and the cluster answers 409). Only `_bulk` requests get faults; cluster
/// detection passes through. Faults are drawn from a seeded generator so a failing run can be replayed.
final class FaultProxy: @unchecked Sendable {
    enum Fault: String, CaseIterable, Sendable {
        case none, resetBeforeForward, resetAfterForward, stall, whole429, whole500, partial429, tooLarge413
    }

    /// Probability of each fault per `_bulk` request; the rest is forwarded untouched.
    struct Plan: Sendable {
        var resetBeforeForward = 0.0
        var resetAfterForward = 0.0
        var stall = 0.0
        var whole429 = 0.0
        var whole500 = 0.0
        var partial429 = 0.0
        /// Share of items a partial 429 rejects.
        var rejectedItemShare = 0.3
        /// Bodies above this are answered 413 (never forwarded); nil for no limit.
        var maxBodyBytes: Int? = nil
        /// How long a stall holds the request before closing (longer than the shipper's request timeout).
        var stallSeconds = 3.0
        /// Added before every forwarded `_bulk` request: a slow cluster, so a run lasts long enough to interrupt.
        var delaySeconds = 0.0
        var seed: UInt64 = 0x5eed
        /// Inject each fault with a non-zero probability once before drawing at random, so a short run meets them all.
        var guaranteeEach = true
        /// Answers for the next `_bulk` requests, one each, before any other fault: a status and a body of
        /// `bytes` (whitespace-padded JSON, streamed). A 2xx one is forwarded first and carries osmem's answer.
        var hugeAnswers: [HugeAnswer] = []

        static let clean = Plan()
    }

    struct HugeAnswer: Sendable {
        var status: Int
        var bytes: Int
    }

    let port: Int
    let upstreamPort: Int
    private let lock = NSLock()
    private var plan: Plan
    private var random: SeededGenerator
    private var listenFD: Int32 = -1
    private var clients: Set<Int32> = []
    private var injected: [Fault: Int] = [:]
    private var stopped = false
    /// Items the proxy rejected in partial 429s (they never reached osmem).
    private(set) var rejectedItems = 0

    init(upstreamPort: Int, plan: Plan = .clean, port: Int = freePort()) throws {
        self.port = port
        self.upstreamPort = upstreamPort
        self.plan = plan
        random = SeededGenerator(seed: plan.seed)
        try listen()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func setPlan(_ p: Plan) { lock.withLock { plan = p } }

    /// How many times each fault was injected so far.
    var counts: [Fault: Int] { lock.withLock { injected } }

    var totalFaults: Int { counts.filter { $0.key != .none }.values.reduce(0, +) }

    /// The cluster "goes down": the listener closes (new connections are refused) and open connections break.
    func goDown() {
        lock.withLock {
            if listenFD >= 0 { shutdown(listenFD, Int32(SHUT_RDWR)); close(listenFD); listenFD = -1 }
            for fd in clients { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    func comeBack() throws { try listen() }

    func stop() {
        lock.withLock { stopped = true }
        goDown()
    }

    deinit { stop() }

    // MARK: - accepting

    private func listen() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = loopbackAddress(port)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            close(fd)
            throw TestError("fault proxy cannot listen on \(port): \(String(cString: strerror(errno)))")
        }
        lock.withLock { listenFD = fd }
        let t = Thread { [weak self] in
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                guard let self else { close(client); return }
                self.lock.withLock { _ = self.clients.insert(client) }
                let worker = Thread { self.serve(client) }
                worker.start()
            }
        }
        t.start()
    }


    // MARK: - one client connection

    private func serve(_ fd: Int32) {
        defer {
            lock.withLock { _ = clients.remove(fd) }
            close(fd)
        }
        let conn = SocketReader(fd: fd)
        while let request = conn.readRequest() {
            guard request.path.contains("_bulk") && request.method == "POST" else {
                guard let response = forward(request) else { return }
                guard send(fd, response.encoded()) else { return }
                continue
            }
            if let huge = lock.withLock({ plan.hugeAnswers.isEmpty ? nil : plan.hugeAnswers.removeFirst() }) {
                guard sendHuge(huge, for: request, to: fd) else { return }
                continue
            }
            let fault = choose(bodyBytes: request.body.count)
            let delay = lock.withLock { plan.delaySeconds }
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            switch fault {
            case .none:
                guard let response = forward(request), send(fd, response.encoded()) else { return }
            case .resetBeforeForward:
                reset(fd); return
            case .resetAfterForward:
                _ = forward(request)
                reset(fd); return
            case .stall:
                let seconds = lock.withLock { plan.stallSeconds }
                Thread.sleep(forTimeInterval: seconds)
                return
            case .whole429:
                guard send(fd, HTTPMessage.json(429, #"{"error":{"type":"es_rejected_execution_exception","reason":"injected by the test proxy"},"status":429}"#).encoded()) else { return }
            case .whole500:
                guard send(fd, HTTPMessage.json(500, #"{"error":{"type":"illegal_state_exception","reason":"injected by the test proxy"},"status":500}"#).encoded()) else { return }
            case .tooLarge413:
                guard send(fd, HTTPMessage.json(413, #"{"error":"request too large (test proxy limit)"}"#).encoded()) else { return }
            case .partial429:
                guard let response = partiallyReject(request), send(fd, response.encoded()) else { return }
            }
        }
    }

    private func choose(bodyBytes: Int) -> Fault {
        lock.withLock {
            var fault = Fault.none
            if let max = plan.maxBodyBytes, bodyBytes > max {
                fault = .tooLarge413
            } else if plan.guaranteeEach, let first = Self.probabilities(plan).first(where: { $0.1 > 0 && injected[$0.0] == nil }) {
                fault = first.0
            } else {
                let r = Double(random.next() % 1_000_000) / 1_000_000
                var edge = 0.0
                for (f, p) in Self.probabilities(plan) {
                    edge += p
                    if r < edge { fault = f; break }
                }
            }
            injected[fault, default: 0] += 1
            return fault
        }
    }

    private static func probabilities(_ plan: Plan) -> [(Fault, Double)] {
        [(.resetBeforeForward, plan.resetBeforeForward), (.resetAfterForward, plan.resetAfterForward),
         (.stall, plan.stall), (.whole429, plan.whole429), (.whole500, plan.whole500), (.partial429, plan.partial429)]
    }

    /// Rejects a share of the items with 429, forwards only the others, and answers for all of them in order.
    private func partiallyReject(_ request: HTTPMessage) -> HTTPMessage? {
        let lines = request.body.split(separator: 0x0A, omittingEmptySubsequences: true)
        guard lines.count % 2 == 0, !lines.isEmpty else { return forward(request) }
        let itemCount = lines.count / 2
        let share = lock.withLock { plan.rejectedItemShare }
        var rejected = Set<Int>()
        lock.withLock {
            for i in 0..<itemCount where Double(random.next() % 1000) / 1000 < share { rejected.insert(i) }
        }
        if rejected.isEmpty { rejected.insert(0) }
        var kept: [UInt8] = []
        for i in 0..<itemCount where !rejected.contains(i) {
            kept += lines[2 * i] + [0x0A] + lines[2 * i + 1] + [0x0A]
        }
        var upstreamItems: [Any] = []
        if !kept.isEmpty {
            var trimmed = request
            trimmed.body = kept
            guard let answer = forward(trimmed) else { return nil }
            guard answer.status == 200,
                  let json = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
                  let items = json["items"] as? [Any], items.count == itemCount - rejected.count else {
                return answer  // not a per-item answer: pass it on as it is
            }
            upstreamItems = items
        }
        var merged: [Any] = []
        var next = 0
        for i in 0..<itemCount {
            if rejected.contains(i) {
                let action = (try? JSONSerialization.jsonObject(with: Data(lines[2 * i]))) as? [String: Any]
                let verb = action?.keys.first ?? "create"
                let meta = action?[verb] as? [String: Any] ?? [:]
                merged.append([verb: ["_index": meta["_index"] ?? "", "_id": meta["_id"] ?? "", "status": 429,
                                      "error": ["type": "es_rejected_execution_exception",
                                                "reason": "rejected by the test proxy"]]])
            } else {
                merged.append(upstreamItems[next]); next += 1
            }
        }
        lock.withLock { rejectedItems += rejected.count }
        let body = try! JSONSerialization.data(withJSONObject: ["took": 1, "errors": true, "items": merged])
        return HTTPMessage.json(200, String(decoding: body, as: UTF8.self))
    }

    /// A `huge` answer: a real one (osmem's, for 2xx; an error otherwise, never forwarded) whose JSON is padded
    /// with spaces to `huge.bytes`, streamed from one reused 1 MiB buffer.
    private func sendHuge(_ huge: HugeAnswer, for request: HTTPMessage, to fd: Int32) -> Bool {
        var json: [UInt8]
        if (200..<300).contains(huge.status) {
            guard let answer = forward(request) else { return false }
            json = answer.body
        } else {
            json = Array(#"{"error":{"type":"illegal_state_exception","reason":"huge answer from the test proxy"},"status":\#(huge.status)}"#.utf8)
        }
        // Padding after the opening brace: still one valid JSON object, the items at its very end.
        let head = Array(json.prefix(1)), tail = Array(json.dropFirst())
        let padding = max(0, huge.bytes - json.count)
        let header = "HTTP/1.1 \(huge.status) Huge\r\nContent-Type: application/json\r\nContent-Length: \(json.count + padding)\r\n\r\n"
        guard send(fd, Array(header.utf8) + head) else { return false }
        let chunk = [UInt8](repeating: 0x20, count: 1 << 20)
        var left = padding
        while left > 0 {
            let n = min(left, chunk.count)
            guard send(fd, n == chunk.count ? chunk : Array(chunk.prefix(n))) else { return false }
            left -= n
        }
        return send(fd, tail)
    }

    /// Sends the request to osmem on a fresh connection and reads the whole answer.
    private func forward(_ request: HTTPMessage) -> HTTPMessage? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = loopbackAddress(upstreamPort)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { return nil }
        var upstream = request
        // One request per upstream connection, and an answer we can read (partial 429s parse it).
        upstream.headers.removeAll { ["connection", "accept-encoding", "expect"].contains($0.0.lowercased()) }
        upstream.headers.append(("Connection", "close"))
        guard send(fd, upstream.encoded()) else { return nil }
        return SocketReader(fd: fd).readResponse()
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return false }
            off += n
        }
        return true
    }

    /// Close with SO_LINGER 0: the peer gets a TCP RST, as when a load balancer or node dies mid-request.
    private func reset(_ fd: Int32) {
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
    }
}
