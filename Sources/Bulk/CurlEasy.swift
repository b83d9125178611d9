import CCurl

/// The libcurl glue both of the project's clients need — the cluster client's `CurlTransfer` and `report --mail`'s
/// SMTP transfer: a new easy handle after libcurl's one-time global set-up, and options through the shim's typed
/// wrappers (`curl_easy_setopt` is variadic and cannot be called from Swift).
public enum CurlEasy {
    /// A new easy handle. `curl_global_init` is not thread-safe; the lazy global below runs it once, before the
    /// first handle of whichever client comes first.
    public static func makeHandle() -> UnsafeMutableRawPointer {
        globalInit
        guard let h = curl_easy_init() else { fatalError("curl_easy_init failed (out of memory)") }
        return h
    }

    public static func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String) {
        _ = value.withCString { lb_easy_setopt_ptr(handle, option, $0) }
    }

    public static func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) {
        _ = lb_easy_setopt_long(handle, option, value)
    }
}

private let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
