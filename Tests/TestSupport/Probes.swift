import Foundation

/// Fetches `http://127.0.0.1:<port><path>` with curl (independent of our code); nil when nothing answers.
public func httpGet(port: Int, _ path: String) -> (status: Int, body: String)? {
    guard let text = try? runCommand("/usr/bin/curl", ["-s", "-m", "3", "-o", "-", "-w", "\n%{http_code}",
                                                        "http://127.0.0.1:\(port)\(path)"]).stdout else { return nil }
    guard let nl = text.lastIndex(of: "\n"), let status = Int(text[text.index(after: nl)...]), status > 0 else { return nil }
    return (status, String(text[..<nl]))
}

/// One sample value from Prometheus text, e.g. `metric(text, "logbridge_output_indexed_total")`.
public func metric(_ text: String, _ name: String, labels: String? = nil) -> Double? {
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: " ")
        guard parts.count == 2 else { continue }
        let series = parts[0]
        let matches = labels.map { series == "\(name){\($0)}" } ?? (series == name)
        if matches { return Double(parts[1]) }
    }
    return nil
}

/// Bytes received by the kernel but not yet read by the process, on established sockets whose local port is
/// `port` (a listener's accepted connections), from /proc/net/tcp: what a receiver that stopped reading leaves.
public func unreadSocketBytes(localPort port: Int) -> Int {
    // Read to EOF: procfs reports a size of 0, and a size-based read can stop after the first page.
    guard let file = FileHandle(forReadingAtPath: "/proc/net/tcp") else { return -1 }
    defer { try? file.close() }
    let table = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
    var total = 0
    for row in table.split(separator: "\n").dropFirst() {
        let f = row.split(separator: " ")
        guard f.count > 4, f[3] == "01", let local = f[1].split(separator: ":").last, Int(local, radix: 16) == port,
              let rx = f[4].split(separator: ":").last, let bytes = Int(rx, radix: 16) else { continue }
        total += bytes
    }
    return total
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` now (a listener is up).
public func tcpConnectable(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in(); addr.sin_family = sa_family_t(AF_INET); addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
