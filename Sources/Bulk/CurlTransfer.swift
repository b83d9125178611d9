import CCurl
import Config

/// One libcurl easy handle and the response it is collecting. The handle is reused request after request,
/// so its connection cache gives keep-alive; it is used by one thread at a time.
final class CurlTransfer {
    let handle: UnsafeMutableRawPointer
    private let settings: OutputSettings
    private var headerList: UnsafeMutablePointer<curl_slist>? = nil
    /// libcurl writes its detailed error text here during the transfer, so it must not move.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// Kept alive until the next `prepare`: libcurl reads it during the transfer.
    private var body: RequestBody? = nil
    /// An uncompressed body is handed to libcurl piece by piece from the batch's own bytes (read callback)
    /// rather than copied whole: one body copy less per request in flight, megabytes of RSS each.
    private var upload: [UInt8] = []
    private var uploadOffset = 0

    private(set) var host = ""
    private(set) var responseHeaders: [String: String] = [:]
    private(set) var responseBody: [UInt8] = []
    private var lastResponseBytes = 0
    private var responseLimit: ResponseBodyLimit?
    /// The status of the answer being received, from its status line (0 before it).
    private var responseStatus = 0
    private var discardedBytes = 0
    /// Bytes put on the wire for the body (compressed size when gzipped).
    private(set) var bodyBytesSent = 0

    init(settings: OutputSettings) {
        handle = CurlEasy.makeHandle()
        self.settings = settings
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        if let l = headerList { curl_slist_free_all(l) }
        errorBuffer.deallocate()
    }

    /// Sets every option for `request` against `host`; the handle is reset first, which keeps its connections.
    func prepare(_ request: HTTPRequest, host: String) throws {
        curl_easy_reset(handle)
        if let l = headerList { curl_slist_free_all(l); headerList = nil }
        self.host = host
        responseHeaders = [:]
        // About as much as the last answer (answers to one kind of request are alike): no regrowing by
        // doubling, and reserved pages that stay untouched cost no memory.
        responseBody = []
        responseBody.reserveCapacity(min(lastResponseBytes, 4 << 20, request.responseLimit?.success ?? .max))
        responseLimit = request.responseLimit
        responseStatus = 0
        discardedBytes = 0
        errorBuffer[0] = 0
        body = nil
        upload = []
        uploadOffset = 0
        bodyBytesSent = 0

        let base = host.hasSuffix("/") ? String(host.dropLast()) : host
        setString(CURLOPT_URL, base + request.path)
        setLong(CURLOPT_NOSIGNAL, 1)
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        setLong(CURLOPT_TIMEOUT_MS, Int(settings.requestTimeoutSeconds * 1000))
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeoutSeconds * 1000))
        setString(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
        _ = lb_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        applyTLS()
        var headers = ["Expect:"]  // no 100-continue round trip before large bodies
        applyAuth(&headers)
        headers += request.headers

        switch request.method {
        case "GET" where request.body == nil: break
        case "HEAD": setLong(CURLOPT_NOBODY, 1)
        case "POST" where request.body != nil: break
        default: setString(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let bytes = request.body {
            headers.append("Content-Type: " + request.contentType)
            if settings.compression == .gzip {
                guard let z = RequestBody.gzipped(bytes) else { throw ClusterError.compressionFailed }
                headers.append("Content-Encoding: gzip")
                body = z
                bodyBytesSent = z.count
                _ = lb_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(z.count))
                _ = lb_easy_setopt_ptr(handle, CURLOPT_POSTFIELDS, z.pointer)
            } else {
                upload = bytes
                bodyBytesSent = bytes.count
                let me = Unmanaged.passUnretained(self).toOpaque()
                setLong(CURLOPT_POST, 1)
                _ = lb_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                _ = lb_easy_setopt_read(handle, curlReadBody)
                _ = lb_easy_setopt_ptr(handle, CURLOPT_READDATA, me)
                // libcurl rewinds when it re-sends on a fresh connection after a kept-alive one died.
                _ = lb_easy_setopt_seek(handle, curlSeekBody)
                _ = lb_easy_setopt_ptr(handle, CURLOPT_SEEKDATA, me)
            }
        }
        for h in headers { headerList = curl_slist_append(headerList, h) }
        _ = lb_easy_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList)

        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = lb_easy_setopt_write(handle, curlWriteBody)
        _ = lb_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, me)
        _ = lb_easy_setopt_header(handle, curlWriteHeader)
        _ = lb_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, me)
    }

    /// Runs the prepared request on this thread (the blocking client).
    func perform() -> CURLcode { curl_easy_perform(handle) }

    /// The response once libcurl reported `code` for the transfer; throws the transport error otherwise.
    func finish(_ code: CURLcode) throws -> HTTPResponse {
        body = nil
        upload = []
        guard code == CURLE_OK else { throw ClusterError.transport(host: host, message: errorText(code)) }
        var status = 0
        _ = lb_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        // The body goes with the response: kept here, the largest answer ever received (a state search, a
        // big `_bulk` answer) would stay allocated for as long as the transfer lives.
        let body = responseBody
        lastResponseBytes = body.count
        responseBody = []
        return HTTPResponse(status: status, headers: responseHeaders, body: body, host: host, discardedBytes: discardedBytes)
    }

    private func errorText(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        let summary = String(cString: curl_easy_strerror(code))
        return detail.isEmpty ? summary : "\(summary): \(detail)"
    }

    /// Keeps the body up to the request's limit for the answer's status; counts the rest and drops it.
    fileprivate func appendBody(_ p: UnsafeRawBufferPointer) {
        guard let limit = responseLimit?.bytes(forStatus: responseStatus) else { responseBody.append(contentsOf: p); return }
        let kept = max(0, min(p.count, limit - responseBody.count))
        if kept > 0 { responseBody.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[..<kept])) }
        discardedBytes += p.count - kept
    }

    /// Copies the next piece of the upload into libcurl's buffer; 0 at the end.
    fileprivate func readUpload(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let n = min(capacity, upload.count - uploadOffset)
        guard n > 0 else { return 0 }
        upload.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + uploadOffset, byteCount: n) }
        uploadOffset += n
        return n
    }

    fileprivate func seekUpload(to offset: Int) -> Bool {
        guard offset >= 0 && offset <= upload.count else { return false }
        uploadOffset = offset
        return true
    }

    fileprivate func appendHeaderLine(_ p: UnsafeRawBufferPointer) {
        let line = String(decoding: p, as: UTF8.self)
        // A new status line starts a new response (after a 100 Continue, say): drop earlier headers.
        if line.hasPrefix("HTTP/") {
            responseHeaders = [:]
            // `HTTP/1.1 500 Internal Server Error`, `HTTP/2 200`: the body's limit depends on it.
            responseStatus = line.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            .reversed().drop(while: { $0.isWhitespace }).reversed()
        responseHeaders[name] = String(value)
    }

    private func applyTLS() {
        let tls = settings.tls
        if let ca = tls.caFile { setString(CURLOPT_CAINFO, ca) }
        if let cert = tls.certFile { setString(CURLOPT_SSLCERT, cert) }
        if let key = tls.keyFile { setString(CURLOPT_SSLKEY, key) }
        if tls.insecure {
            setLong(CURLOPT_SSL_VERIFYPEER, 0)
            setLong(CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    private func applyAuth(_ headers: inout [String]) {
        switch settings.auth {
        case .none: break
        case let .basic(username, password):
            setLong(CURLOPT_HTTPAUTH, lb_curlauth_basic())
            setString(CURLOPT_USERNAME, username)
            setString(CURLOPT_PASSWORD, password.value)
        case let .apiKey(key):
            headers.append("Authorization: ApiKey " + key.value)
        }
    }

    // libcurl copies string options, so a temporary C string is enough.
    private func setString(_ option: CURLoption, _ value: String) { CurlEasy.set(handle, option, value) }
    private func setLong(_ option: CURLoption, _ value: Int) { CurlEasy.set(handle, option, value) }
}

private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    transfer.appendBody(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private func curlReadBody(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.readUpload(into: UnsafeMutableRawPointer(buffer), capacity: size * count)
}

private func curlSeekBody(_ context: UnsafeMutableRawPointer?, _ offset: curl_off_t, _ origin: Int32) -> Int32 {
    guard let context, origin == SEEK_SET else { return 2 }  // CURL_SEEKFUNC_CANTSEEK
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.seekUpload(to: Int(offset)) ? 0 : 1  // CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL
}

private func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    transfer.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
