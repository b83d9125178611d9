import Foundation
import Reports
import TestSupport
import Testing

/// The report as a reader sees it: Debian's headless Chromium opens the HTML the command wrote for the test farm
/// (screenshot, console, the DOM it built) and prints it (`--format pdf`, pages read back with poppler's
/// pdfinfo and pdftotext). Chromium and poppler-utils are in the Makefile's APT_PACKAGES: missing, they fail.
@Suite(.serialized) struct ReportBrowserTests {
    static func chromium() throws -> HeadlessChromium {
        do { return try HeadlessChromium.locate(explicit: nil) } catch { throw TestError("\(error) (make deps installs chromium)") }
    }

    /// What the browser made of a page.
    struct Rendering {
        /// The page's console messages: Chromium logs each (console.*, uncaught exceptions) as an INFO line
        /// with `:CONSOLE` in its prefix when run with `--enable-logging=stderr --v=0`.
        var console: [String]
        /// The DOM serialised after parsing (`--dump-dom`): markup the parser had to repair shows here.
        var dom: String
        var screenshot: Data
    }

    static let window = (width: 1100, height: 1600)

    static func render(_ page: String) throws -> Rendering {
        let shot = page + ".png"
        let out = try chromium().run(["--enable-logging=stderr", "--v=0", "--dump-dom", "--screenshot=\(shot)",
                                      "--window-size=\(window.width),\(window.height)"], page: page)
        guard out.status == 0 else { throw TestError("chromium exit \(out.status): \(out.stderr.suffix(600))") }
        let console = out.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
        let png = FileManager.default.contents(atPath: shot) ?? Data()
        return Rendering(console: console, dom: String(decoding: out.stdout, as: UTF8.self), screenshot: png)
    }

    /// Marks (`<rect class="cell"`, ...) inside the DOM's `<svg class="chart KIND">`; nil when that chart is missing.
    static func marks(_ mark: String, in kind: String, _ dom: String) -> Int? {
        guard let start = dom.range(of: "<svg class=\"chart \(kind)\""),
              let end = dom.range(of: "</svg>", range: start.upperBound..<dom.endIndex) else { return nil }
        return dom[start.lowerBound..<end.lowerBound].components(separatedBy: mark).count - 1
    }

    /// Width and height from a PNG's IHDR chunk; nil when the bytes are not a PNG.
    static func pngSize(_ data: Data) -> (Int, Int)? {
        let b = [UInt8](data.prefix(24))
        guard b.count == 24, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], b[12..<16] == Array("IHDR".utf8)[...] else { return nil }
        let be = { (i: Int) in b[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    /// Pixels of the screenshot that are not white, and those in the heat strip's and alarm bars' reds
    /// (R high, G and B low), decoded by Python's zlib: the charts were painted, not only put in the DOM.
    static func inkAndRed(_ png: String) throws -> (ink: Int, red: Int) {
        let script = """
            import struct, sys, zlib
            d = open(sys.argv[1], "rb").read(); pos = 8; idat = b""
            while pos < len(d):
                n, kind = struct.unpack(">I4s", d[pos:pos + 8]); body = d[pos + 8:pos + 8 + n]; pos += 12 + n
                if kind == b"IHDR": w, h, depth, color = struct.unpack(">IIBB", body[:10])
                if kind == b"IDAT": idat += body
            bpp = {2: 3, 6: 4}[color]; raw = zlib.decompress(idat); stride = w * bpp; prev = bytearray(stride); ink = red = 0; i = 0
            for y in range(h):
                f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
                for x in range(stride):
                    a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                    if f == 1: line[x] = (line[x] + a) & 255
                    elif f == 2: line[x] = (line[x] + b) & 255
                    elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                for x in range(0, stride, bpp):
                    r, g, bl = line[x], line[x + 1], line[x + 2]
                    if r < 250 or g < 250 or bl < 250: ink += 1
                    if r > 150 and g < 110 and bl < 110: red += 1
                prev = line
            print(ink, red)
            """
        let run = try runCommand("/usr/bin/python3", ["-c", script, png])
        let parts = run.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard run.status == 0, parts.count == 2 else { throw TestError("png decode: \(run.output)") }
        return (parts[0], parts[1])
    }

    func config(_ dir: String, url: String) throws -> String {
        let path = dir + "/logbridge.yaml"
        try "output:\n  hosts: [\"\(url)\"]\n  compression: none\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The command's own files: the JSON's figures are what the browser must show and the PDF must hold.
    @Test func theHTMLRendersInChromiumWithEveryChartMarkAndPrintsToTheExpectedPages() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let dir = try temporaryDirectory("lb-report-browser")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: cluster.server.url)
        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "json,html,pdf", "--out", dir + "/shift", "--no-store"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "wrote \(dir)/shift.json\nwrote \(dir)/shift.html\nwrote \(dir)/shift.pdf\n")
        let report = try ReportJSON.parse(String(contentsOfFile: dir + "/shift.json", encoding: .utf8))
        let v = try #require(report.volume.data), e = try #require(report.errors.data), a = try #require(report.alarms.data)

        let page = try Self.render(dir + "/shift.html")
        #expect(page.console.isEmpty, "\(page.console)")
        let size = try #require(Self.pngSize(page.screenshot))
        #expect(size.0 == Self.window.width && size.1 == Self.window.height)
        let (ink, red) = try Self.inkAndRed(dir + "/shift.html.png")
        // The first 1100 x 1600 pixels hold the text, the volume chart, the tables and the heat strip, whose cells
        // with errors are red. A blank page has 0 and 0.
        #expect(ink > 100_000 && red > 500, "ink \(ink), red \(red)")
        // Every chart, with one mark per figure of the JSON.
        #expect(page.dom.components(separatedBy: "<svg class=\"chart ").count - 1 == 3)
        #expect(Self.marks("<polyline class=\"series\"", in: "volume", page.dom) == v.overTime.count)
        #expect(Self.marks("<rect class=\"cell\"", in: "heat", page.dom) == e.perHostOverTime.count * report.period.buckets.count)
        #expect(Self.marks("<rect class=\"alarm\"", in: "alarms", page.dom) == a.episodes.count)
        #expect(v.overTime.count == 3 && e.perHostOverTime.count * report.period.buckets.count == 3 * 48 && a.episodes.count == 3)
        #expect(page.dom.contains("<b>\(v.total.count) documents</b>"))

        // The PDF: A4, the pages measured for this farm (no row is split, so the count is stable while the
        // layout is), and every section and host in its text.
        let info = try runCommand("/usr/bin/pdfinfo", [dir + "/shift.pdf"])
        #expect(info.status == 0, "\(info.output)")
        #expect(info.stdout.contains("(A4)"), "\(info.stdout)")
        let pages = info.stdout.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") }
        #expect(pages == Self.expectedPages, "\(info.stdout)")
        let text = try runCommand("/usr/bin/pdftotext", ["-layout", dir + "/shift.pdf", "-"]).stdout
        for title in ["Volume", "Errors and criticals", "Hosts", "Alarms", "New message patterns", "InfoLogger", "Dead letters", "Shipper health"] {
            #expect(text.contains(title), "\(title)")
        }
        for host in v.hosts { #expect(text.contains(host.key), "\(host.key)") }
        // The widest table's last column is on the page, not cut at its right edge.
        #expect(text.contains("re-notifications"))
        let lastPage = try runCommand("/usr/bin/pdftotext", ["-f", "\(pages ?? 1)", "-l", "\(pages ?? 1)", dir + "/shift.pdf", "-"]).stdout
        // The last section's last rows, with the table's header repeated above them.
        #expect(lastPage.contains("flp006") && lastPage.contains("shipper") && lastPage.contains("malformed"), "\(lastPage)")
        let third = try runCommand("/usr/bin/pdftotext", ["-f", "3", "-l", "3", dir + "/shift.pdf", "-"]).stdout
        #expect(third.contains("illegal_argument_exception") && third.contains("Shipper health"), "\(third)")
    }

    /// Pages of the test farm's report on A4, measured with Debian 12's chromium 156: volume and errors up to
    /// the top hosts on the first, the other error tables, hosts and alarms on the second, new patterns,
    /// InfoLogger, dead letters and the shipper health section up to its first host on the third, the rest of
    /// the shipper hosts' table on the fourth (the section added a page).
    static let expectedPages = 4

    /// The checks above can fail: a page with a script error has console lines, and a page without a chart has
    /// no marks for it.
    @Test func theConsoleAndChartChecksCatchABrokenPage() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        try cluster.loadFarm()
        let dir = try temporaryDirectory("lb-report-broken")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let html = ReportHTML.render(cluster.report())
        let broken = html.replacingOccurrences(of: "</body>", with: "<script>console.error(\"deliberate\"); notDefinedAnywhere();</script></body>")
        var withoutHeat = html
        let heat = try #require(withoutHeat.range(of: "<svg class=\"chart heat\""))
        withoutHeat.replaceSubrange(heat, with: "<svg class=\"chart hidden\"")
        try broken.write(toFile: dir + "/broken.html", atomically: true, encoding: .utf8)
        try withoutHeat.write(toFile: dir + "/noheat.html", atomically: true, encoding: .utf8)

        let page = try Self.render(dir + "/broken.html")
        #expect(page.console.count == 2, "\(page.console)")
        #expect(page.console.contains { $0.contains("Uncaught ReferenceError: notDefinedAnywhere is not defined") }, "\(page.console)")
        let other = try Self.render(dir + "/noheat.html")
        #expect(other.console.isEmpty)
        #expect(Self.marks("<rect class=\"cell\"", in: "heat", other.dom) == nil)
        #expect(Self.marks("<rect class=\"alarm\"", in: "alarms", other.dom) == 3)
    }

    /// Without a Chromium the command says how to get one and writes nothing; it does not read the cluster first.
    @Test func pdfWithoutChromiumSaysHowToInstallIt() throws {
        let dir = try temporaryDirectory("lb-report-nochrome")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let binary = try TestPaths.logbridgeBinary()
        let args = ["report", "--config", "/nonexistent/logbridge.yaml", "--from", Farm.from, "--to", Farm.to,
                    "--format", "html,pdf", "--out", dir + "/r"]
        let none = try runCommand("/usr/bin/env", ["-i", "PATH=/nonexistent", binary] + args)
        #expect(none.status == 1, "\(none.output)")
        #expect(none.stderr.contains("PDF needs a headless Chromium and none was found"), "\(none.stderr)")
        #expect(none.stderr.contains("apt-get install chromium") && none.stderr.contains("--chromium PATH or LOGBRIDGE_CHROMIUM"))
        let named = try runCommand("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", "LOGBRIDGE_CHROMIUM=/nonexistent/chromium", binary] + args)
        #expect(named.status == 1 && named.stderr.contains("LOGBRIDGE_CHROMIUM /nonexistent/chromium: no executable file there"), "\(named.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// A Chromium that takes longer than --pdf-timeout is stopped with everything it started, and no PDF is left.
    @Test func aChromiumPastTheTimeoutIsStopped() throws {
        let cluster = try ReportCluster()
        defer { cluster.stop() }
        let dir = try temporaryDirectory("lb-report-timeout")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try config(dir, url: cluster.server.url)
        let begin = Date()
        let run = try runLogbridge(["report", "--config", cfg, "--from", Farm.from, "--to", Farm.to, "--format", "pdf",
                                    "--out", dir + "/r.pdf", "--pdf-timeout", "0.2"])
        #expect(run.status == 1 && run.stderr.contains("did not finish within 0.2 s and was stopped (--pdf-timeout)"), "\(run.stderr)")
        #expect(Date().timeIntervalSince(begin) < 20)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["logbridge.yaml"])
        // Nothing of that browser runs on: its processes carry the throwaway profile in their command line.
        let left = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { pid in
            guard Int(pid) != nil, let cmd = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: cmd, as: UTF8.self).contains(NSTemporaryDirectory() + "logbridge-chromium-")
        }
        #expect(left.isEmpty, "\(left)")
    }
}
