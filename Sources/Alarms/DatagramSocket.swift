#if canImport(Glibc)
import Glibc
#endif

/// Connected datagram sockets for UDP and unixgram sinks: a missing listener shows up as an error on send.
struct DatagramSocket {
    let fd: Int32

    static func udp(host: String, port: Int) throws -> DatagramSocket {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let info = result else {
            throw AlarmsError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw AlarmsError("socket: \(String(cString: strerror(errno)))") }
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno)); Glibc.close(fd)
            throw AlarmsError("udp \(host):\(port): \(reason)")
        }
        return DatagramSocket(fd: fd)
    }

    /// `path` starting with `@` is an abstract socket name.
    static func unix(path: String, type: Int32 = Int32(SOCK_DGRAM.rawValue)) throws -> DatagramSocket {
        let fd = socket(AF_UNIX, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw AlarmsError("socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else { Glibc.close(fd); throw AlarmsError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
        guard rc == 0 else {
            let reason = String(cString: strerror(errno)); Glibc.close(fd)
            throw AlarmsError("\(path): \(reason)")
        }
        return DatagramSocket(fd: fd)
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AlarmsError("send: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    func close() { _ = Glibc.close(fd) }
}
