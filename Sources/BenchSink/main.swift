import Glibc

// BenchSink: a counting Elasticsearch/OpenSearch `_bulk` stand-in for `make bench`.
// First stdout line: {"url":"http://127.0.0.1:PORT"}. SIGTERM/SIGINT print the final counters on stderr.

let options: SinkOptions
do {
    options = try SinkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    if let message = error.message { printError("BenchSink: \(message)\n") }
    printError(SinkOptions.usage + "\n")
    exit(error.message == nil ? 0 : 2)
}

// Blocked before any thread starts, so every thread inherits the mask and only sigwait sees these.
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
signal(SIGPIPE, SIG_IGN)

let listener: Listener
do {
    listener = try Listener(port: options.port)
} catch {
    printError("BenchSink: \(error)\n")
    exit(1)
}
let stats = SinkStats()
if let pidFile = options.pidFile {
    guard let file = fopen(pidFile, "w") else { printError("BenchSink: cannot write \(pidFile)\n"); exit(1) }
    fputs("\(getpid())\n", file)
    fclose(file)
}
print(#"{"url":"http://127.0.0.1:\#(listener.port)"}"#)
fflush(nil)

let signalSet = stopSignals
startThread {
    var set = signalSet
    var received: Int32 = 0
    sigwait(&set, &received)
    printError("BenchSink: signal \(received), final counters \(stats.json())\n")
    if let pidFile = options.pidFile { unlink(pidFile) }
    exit(0)
}
listener.serveForever(stats: stats, openSearch: options.openSearch)

/// Straight to file descriptor 2: the C `stderr` global is shared mutable state to Swift 6.
func printError(_ text: String) {
    var line = text
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
