/// Command line of the sink: `BenchSink [--port P] [--pidfile F] [--opensearch]`.
struct SinkOptions {
    /// 0 lets the kernel choose a free port; the URL line on stdout says which.
    var port: UInt16 = 9200
    var pidFile: String?
    var openSearch = false

    static let usage = "usage: BenchSink [--port P (0 = any free port)] [--pidfile FILE] [--opensearch]"

    init(arguments: [String]) throws(UsageError) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--port", "-p":
                guard let value = rest.popFirst(), let port = UInt16(value) else { throw UsageError("--port needs 0-65535") }
                self.port = port
            case "--pidfile":
                guard let value = rest.popFirst() else { throw UsageError("--pidfile needs a path") }
                pidFile = value
            case "--opensearch", "-O":
                openSearch = true
            case "-h", "--help":
                throw UsageError(nil)
            default:
                throw UsageError("unknown argument \(argument)")
            }
        }
    }

    struct UsageError: Error {
        let message: String?
        init(_ message: String?) { self.message = message }
    }
}
