import Config
import ECS
import Foundation
import Inputs
import Logging
import Pipeline
import SyslogInput
import TestSupport

/// A real `SyslogReceiver` behind a real `SpooledInput` and spool, run as the shipper runs it; every
/// document it would send is collected here.
final class ReceiverHarness: @unchecked Sendable {
    let directory: String
    let receiver: SyslogReceiver
    let input: SpooledInput
    let udpPort = freePort(), tcpPort = freePort(), tlsPort = freePort()
    private let lock = NSLock()
    private var docs: [String] = []
    private var ids: [String] = []
    private let stopFlag = NSLock()
    nonisolated(unsafe) private var stopping = false
    private let done = DispatchSemaphore(value: 0)

    init(maxMessage: Int = 64 * 1024, maxConnections: Int = 100, tls: SyslogInputSettings.TLS? = nil, timezone: String = "UTC",
         spool: SpoolSettings = SpoolSettings()) throws {
        directory = try temporaryDirectory("lb-syslog")
        var s = SyslogInputSettings(id: "syslog-test")
        s.listen = [.init(transport: .udp, host: "127.0.0.1", port: udpPort), .init(transport: .tcp, host: "127.0.0.1", port: tcpPort)]
        if tls != nil { s.listen.append(.init(transport: .tls, host: "127.0.0.1", port: tlsPort)) }
        s.tls = tls
        s.maxMessageBytes = maxMessage
        s.limits.maxConnections = maxConnections; s.limits.maxConnectionsPerAddress = maxConnections
        s.timezone = timezone
        s.spool = spool
        receiver = SyslogReceiver(settings: s)
        input = SpooledInput(id: s.id, directory: directory + "/spool", settings: s.spool, receiver: receiver)
        receiver.inputCounters = input.counters
        var output = OutputSettings()
        output.batch = BatchSettings(maxDocuments: 500, maxBytes: 1 << 20, flushIntervalSeconds: 0.05)
        let context = InputContext(
            once: false, output: output, agent: AgentInfo(name: "test", id: "t"), logger: Logger(label: "test"), checkpoint: nil,
            submit: { [self] batch in
                lock.withLock {
                    for i in 0..<batch.count {
                        docs.append(String(decoding: batch.documentLine(i).dropLast(), as: UTF8.self))
                        ids.append(String(decoding: batch.actionLine(i), as: UTF8.self))
                    }
                }
                input.checkpointPersisted(batch.checkpoint!)
            },
            isStopping: { [self] in stopFlag.withLock { stopping } })
        let t = Thread { [self] in
            do { try input.run(context) } catch { print("input failed: \(error)") }
            done.signal()
        }
        t.start()
        // Listening once the TCP port accepts.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if canConnect(tcpPort) { return }
            usleep(20_000)
        }
        throw TestError("syslog receiver did not start listening")
    }

    var documents: [String] { lock.withLock { docs } }
    var actionLines: [String] { lock.withLock { ids } }

    /// The parsed documents, once `count` have arrived (or the deadline passed).
    func waitFor(_ count: Int, timeout: Double = 15) -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && documents.count < count { usleep(20_000) }
        return documents.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func stop() {
        stopFlag.withLock { stopping = true }
        done.wait()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

func canConnect(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}

/// Raw bytes over one TCP connection, for hostile input no client library would send.
func sendRaw(_ port: Int, _ chunks: [[UInt8]], closeWrite: Bool = true) throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard rc == 0 else { throw TestError("connect failed") }
    for c in chunks {
        var sent = 0
        while sent < c.count {
            let n = c.withUnsafeBytes { send(fd, $0.baseAddress! + sent, c.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestError("send failed") }
            sent += n
        }
    }
    if closeWrite { shutdown(fd, Int32(SHUT_WR)) }
    usleep(50_000)
}

extension Dictionary where Key == String, Value == Any {
    /// `doc["log.syslog.appname"]`-style access for assertions.
    func at(_ path: String) -> Any? {
        var cur: Any? = self
        for part in path.split(separator: ".") { cur = (cur as? [String: Any])?[String(part)] }
        return cur
    }
}
