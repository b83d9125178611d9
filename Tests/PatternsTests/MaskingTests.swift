@testable import Patterns
import XCTest

/// Each built-in mask class on the tokens it exists for, and the tokens it must leave alone.
final class MaskingTests: XCTestCase {
    private func masked(_ token: String, extra: [ExtraMask] = []) -> String {
        var t = token
        var sink = TextSink()
        t.withUTF8 { TokenMasker.mask(UnsafeRawBufferPointer($0), extraMasks: extra, into: &sink) }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    func testEachClass() {
        let cases: [(String, String)] = [
            ("12345", "<*>"), ("-42", "<*>"), ("3.14", "<*>"),                        // numbers
            ("0x7fed806eb5d", "<*>"), ("ff83e97c", "<*>"),                             // hex
            ("blk_-1608999687919862906", "<*>"), ("core.2275", "<*>"), ("u0", "<*>"),  // ids with digits
            ("10.11.10.1", "<*>"), ("173.234.31.186:22", "<*>"), ("[fe80::1]:8080", "<*>"),
            ("10.11.21.122,10.11.10.1", "<*>"),                                        // IPs, ports, lists
            ("/var/log/syslog", "<*>"), ("http://example.org/a", "<*>"), ("a/b/c", "<*>"), // paths, URLs
            ("b9000564-fe1a-409b-b8cc-1e88b294cd1d", "<*>"),                           // UUID
            ("250ms", "<*>"), ("1.5GB", "<*>"), ("2026-12-02T06:27:00Z", "<*>"),       // durations, sizes, time
            ("ns.example.com", "<*>"), ("org.apache.Foo", "<*>"),                      // dotted names
            ("true", "<*>"), ("false,", "<*>"), ("null", "<*>"),                       // literals
            ("uid=0", "uid=<*>"), ("tty=ssh", "tty=<*>"), ("action:SCREEN_ON", "action:<*>"), ("ws=null,", "ws=<*>,"),
            ("AppWindowToken{9f4ef63", "AppWindowToken{<*>"), ("id[0]=0,", "id[<*>]=<*>,"),
            // words stay words
            ("Starting", "Starting"), ("finalization.", "finalization."), ("status:", "status:"),
            ("[preauth]", "[preauth]"), ("closeNotification...", "closeNotification..."), ("héllo", "héllo"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(masked(input), expected, "masking \(input)")
        }
    }

    func testExtraMasks() {
        XCTAssertEqual(masked("job-abc", extra: [.prefix("job-")]), "<*>")
        XCTAssertEqual(masked("jobs", extra: [.prefix("job-")]), "jobs")
        XCTAssertEqual(masked("svc-alpha.local", extra: [.glob("svc-*.local")]), "<*>")
        XCTAssertEqual(masked("svc-alpha.remote", extra: [.glob("svc-*.local")]), "svc-alpha.remote")
        XCTAssertEqual(masked("ab", extra: [.glob("a?")]), "<*>")
        // A glob that would make a backtracking engine explode stays linear-ish here.
        let long = String(repeating: "a", count: 5000) + "b"
        let start = ContinuousClock.now
        XCTAssertEqual(masked(long, extra: [.glob("*a*a*a*a*a*a*a*c")]), long)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }
}
