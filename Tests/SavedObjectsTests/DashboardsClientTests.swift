import Config
import Foundation
import SavedObjects
import Testing
import TestSupport

/// Neither OpenSearch Dashboards nor Kibana can run here, so `import` is checked against a small Python HTTP
/// server that answers as the saved-objects API does and records what it received.
@Suite(.serialized) struct DashboardsClientTests {
    final class StandIn {
        let process: Process
        let port = freePort()
        let record: String

        init(status: Int, answer: String) throws {
            record = try temporaryDirectory("lb-dash-standin") + "/request"
            let script = """
                import http.server, sys
                class H(http.server.BaseHTTPRequestHandler):
                    def do_POST(self):
                        body = self.rfile.read(int(self.headers['Content-Length']))
                        with open(sys.argv[2], 'wb') as f:
                            f.write((self.path + '\\n' + str(self.headers)).encode() + b'\\n\\n' + body)
                        answer = sys.argv[4].encode()
                        self.send_response(int(sys.argv[3])); self.send_header('Content-Type', 'application/json')
                        self.send_header('Content-Length', str(len(answer))); self.send_header('Connection', 'close'); self.end_headers()
                        self.wfile.write(answer)
                    def log_message(self, *a): pass
                http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
                """
            process = try startCommand("/usr/bin/python3", ["-c", script, "\(port)", record, "\(status)", answer])
            for _ in 0..<100 where !Self.listening(port) { usleep(50_000) }
        }

        static func listening(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET); addr.sin_port = UInt16(port).bigEndian
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
        }

        var client: DashboardsClient {
            var settings = OutputSettings()
            settings.hosts = ["http://127.0.0.1:\(port)"]
            return DashboardsClient(settings: settings)
        }

        // SIGKILL and no wait: the server holds nothing worth a clean exit, and the test must not block on it.
        deinit { kill(process.processIdentifier, SIGKILL) }
    }

    let file = RepoPaths.dashboards + "/alarms.ndjson"

    @Test func importSendsTheFileAsMultipartWithBothXSRFHeaders() throws {
        let server = try StandIn(status: 200, answer: #"{"success":true,"successCount":5}"#)
        let result = try server.client.importFile(file)
        #expect(result.successCount == 5)
        let seen = String(decoding: try Data(contentsOf: URL(fileURLWithPath: server.record)), as: UTF8.self)
        #expect(seen.hasPrefix("/api/saved_objects/_import?overwrite=true\n"))
        #expect(seen.contains("osd-xsrf: true") && seen.contains("kbn-xsrf: true"))
        #expect(seen.contains("Content-Type: multipart/form-data; boundary=logbridge-"))
        #expect(seen.contains(#"Content-Disposition: form-data; name="file"; filename="alarms.ndjson""#))
        #expect(seen.contains(try String(contentsOfFile: file, encoding: .utf8)), "the file travels byte for byte")
    }

    @Test func perObjectErrorsFailTheImportAndAreNamed() throws {
        let server = try StandIn(status: 200, answer: """
            {"success":false,"successCount":4,"errors":[{"id":"logbridge-alarms-over-time","type":"visualization",\
            "error":{"type":"missing_references","references":[{"type":"index-pattern","id":"logbridge-alarms"}]}}]}
            """)
        #expect {
            try server.client.importFile(file)
        } throws: { error in
            "\(error)".contains("visualization logbridge-alarms-over-time: missing_references (missing index-pattern logbridge-alarms)")
        }
    }

    @Test func anHTTPErrorFailsTheImport() throws {
        let server = try StandIn(status: 400, answer: #"{"statusCode":400,"error":"Bad Request","message":"Request must contain a kbn-xsrf header."}"#)
        #expect { try server.client.importFile(file) } throws: { "\($0)".contains("HTTP 400: Request must contain a kbn-xsrf header.") }
    }
}
