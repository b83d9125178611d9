#if canImport(Glibc)
import Glibc
#endif

/// The few socket calls the three modes need, on plain file descriptors. Each connection gets its own
/// thread: its work (spool append, fsync before the ACK) blocks by nature, and a farm has ~200 daemons.
/// Linux abstract Unix sockets (infoLoggerD's default) are also simplest this way.
enum PosixSocket {
    struct Failure: Error, CustomStringConvertible {
        var what: String
        var code: Int32
        var description: String { "\(what): \(String(cString: strerror(code)))" }
    }

    /// A listening TCP socket; `port` 0 picks a free one (see `localPort`).
    static func listenTCP(host: String, port: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw Failure(what: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))", code: 0)
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket", code: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let e = errno; close(fd); throw Failure(what: "bind \(host):\(port)", code: e)
        }
        guard listen(fd, 256) == 0 else { let e = errno; close(fd); throw Failure(what: "listen", code: e) }
        return fd
    }

    /// A listening Unix stream socket: `name` starting with `/` is a path (a stale socket file is replaced),
    /// anything else a name in Linux's abstract namespace (no file; gone when the process exits).
    static func listenUnix(name: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket", code: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(name.utf8)
        let isPath = bytes.first == 0x2F
        if isPath {
            var st = stat()
            if lstat(name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFSOCK { unlink(name) }
        }
        let offset = isPath ? 0 : 1   // abstract: a leading NUL, then the name, not NUL-terminated
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count + offset < capacity else { close(fd); throw Failure(what: "socket name too long", code: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (i, b) in bytes.enumerated() { path[offset + i] = b }
        }
        let length = MemoryLayout<sa_family_t>.size + offset + bytes.count + (isPath ? 1 : 0)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        guard rc == 0 else { let e = errno; close(fd); throw Failure(what: "bind unix socket \(isPath ? name : "@" + name)", code: e) }
        guard listen(fd, 256) == 0 else { let e = errno; close(fd); throw Failure(what: "listen", code: e) }
        return fd
    }

    /// Connects to `host:port`, giving up after `timeoutSeconds`.
    static func connectTCP(host: String, port: Int, timeoutSeconds: Double) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw Failure(what: "cannot resolve \(host): \(String(cString: gai_strerror(rc)))", code: 0)
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw Failure(what: "socket", code: errno) }
        if connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { let e = errno; close(fd); throw Failure(what: "connect \(host):\(port)", code: e) }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, Int32(timeoutSeconds * 1000)) == 1 else {
                close(fd); throw Failure(what: "connect \(host):\(port)", code: ETIMEDOUT)
            }
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
            guard err == 0 else { close(fd); throw Failure(what: "connect \(host):\(port)", code: err) }
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        return fd
    }

    /// Waits up to `milliseconds` for `fd` to be readable (or closed); false on timeout.
    static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, milliseconds) > 0
    }

    /// Accepts one pending connection, or nil.
    static func accept(_ listener: Int32) -> Int32? {
        let fd = Glibc.accept(listener, nil, nil)
        return fd >= 0 ? fd : nil
    }

    /// Writes everything; false when the peer is gone. Never raises SIGPIPE.
    static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = Glibc.send(fd, bytes.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL))
            if n < 0 { if errno == EINTR { continue }; return false }
            done += n
        }
        return true
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { send(fd, $0) } }

    /// The port a socket is bound to (tests listen on port 0).
    static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { p in
            if family == sa_family_t(AF_INET6) {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
