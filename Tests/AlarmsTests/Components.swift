import Foundation
import TestSupport

/// A real process started for one test and killed at the end; missing binaries fail the test (never skip it).
final class Daemon: @unchecked Sendable {
    let process = Process()
    let directory: String

    init(_ path: String, _ args: [String], directory: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestError("\(path) is missing (`make deps` installs influxdb and prometheus-alertmanager)")
        }
        self.directory = directory
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// curl, independent of the code under test.
    static func http(_ method: String, _ url: String, _ data: String? = nil) -> (status: Int, body: String) {
        var args = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, url]
        if let data { args += ["--data-urlencode", data] }
        guard let (_, out) = try? runProcess("/usr/bin/curl", args), let nl = out.lastIndex(of: "\n") else { return (0, "") }
        return (Int(out[out.index(after: nl)...]) ?? 0, String(out[..<nl]))
    }

    static func waitFor(_ what: String, timeout: Double = 20, _ ready: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ready() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestError("\(what) not ready after \(timeout)s")
    }
}

/// InfluxDB 1.x with an HTTP API and a UDP listener writing into database `o2`.
final class InfluxDB: @unchecked Sendable {
    let daemon: Daemon
    let httpURL: String
    let udpPort: Int

    init(httpPort: Int? = nil) throws {
        let dir = try temporaryDirectory("lb-influx")
        let http = httpPort ?? freePort(), rpc = freePort()
        udpPort = freePort()
        httpURL = "http://127.0.0.1:\(http)"
        let config = """
            reporting-disabled = true
            bind-address = "127.0.0.1:\(rpc)"
            [meta]
              dir = "\(dir)/meta"
            [data]
              dir = "\(dir)/data"
              wal-dir = "\(dir)/wal"
            [http]
              bind-address = "127.0.0.1:\(http)"
              log-enabled = false
            [[udp]]
              enabled = true
              bind-address = "127.0.0.1:\(udpPort)"
              database = "o2"
              batch-size = 1
              batch-timeout = "10ms"
            """
        try config.write(toFile: dir + "/influxdb.conf", atomically: true, encoding: .utf8)
        daemon = try Daemon("/usr/bin/influxd", ["-config", dir + "/influxdb.conf"], directory: dir)
        let url = httpURL
        try Daemon.waitFor("influxd") { Daemon.http("GET", url + "/ping").status == 204 }
        _ = Daemon.http("POST", httpURL + "/query", "q=CREATE DATABASE o2")
    }

    /// `value` of every point of a measurement, oldest first, with its tags.
    func points(_ measurement: String) -> [[String: Any]] {
        let r = Daemon.http("POST", httpURL + "/query?db=o2", "q=SELECT * FROM \"\(measurement)\"")
        guard let json = try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any],
              let series = ((json["results"] as? [[String: Any]])?.first?["series"] as? [[String: Any]])?.first,
              let columns = series["columns"] as? [String], let values = series["values"] as? [[Any]] else { return [] }
        return values.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    }

    func stop() { daemon.stop() }
}

/// Prometheus Alertmanager 0.25 with one receiver and clustering off.
final class Alertmanager: @unchecked Sendable {
    let daemon: Daemon
    let url: String

    /// - Parameter webhook: where Alertmanager itself notifies (firing and resolved), grouped per second.
    init(webhook: String? = nil) throws {
        let dir = try temporaryDirectory("lb-am")
        let port = freePort()
        url = "http://127.0.0.1:\(port)"
        var config = "route:\n  receiver: logbridge\n"
        if webhook != nil { config += "  group_by: [alertname]\n  group_wait: 0s\n  group_interval: 1s\n  repeat_interval: 1h\n" }
        config += "receivers:\n  - name: logbridge\n"
        if let webhook { config += "    webhook_configs:\n      - url: '\(webhook)'\n        send_resolved: true\n" }
        try config.write(toFile: dir + "/am.yml", atomically: true, encoding: .utf8)
        daemon = try Daemon("/usr/bin/prometheus-alertmanager", [
            "--config.file=\(dir)/am.yml", "--storage.path=\(dir)/data", "--web.listen-address=127.0.0.1:\(port)",
            "--cluster.listen-address=",
        ], directory: dir)
        let u = url
        try Daemon.waitFor("alertmanager") { Daemon.http("GET", u + "/-/ready").status == 200 }
    }

    /// API v2 lists every alert it holds that is not resolved (active, silenced, inhibited or unprocessed).
    func activeAlerts() -> [[String: Any]] {
        let r = Daemon.http("GET", url + "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true")
        return (try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [[String: Any]]) ?? []
    }

    func stop() { daemon.stop() }
}
