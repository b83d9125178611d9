import ArgumentParser
import Foundation
import Reports

/// `report --format pdf`: which Chromium prints the HTML and how long it may take (Reports/HeadlessChromium).
struct ReportPDFOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The Chromium that prints --format pdf (default: $LOGBRIDGE_CHROMIUM, else chromium, chromium-browser, google-chrome on PATH).",
                               valueName: "path"))
    var chromium: String?
    @Option(help: "Seconds Chromium may take to print the PDF before it is stopped.") var pdfTimeout: Double = HeadlessChromium.defaultTimeout

    func validate() throws {
        if !(pdfTimeout > 0) { throw ValidationError("--pdf-timeout must be more than 0 seconds") }
    }

    /// The browser when PDF is asked for, found before the cluster is read: a missing Chromium fails the run
    /// at once, with the message saying how to install it, instead of after a long report.
    func browser(for formats: [ReportCommand.Format]) throws -> HeadlessChromium? {
        guard formats.contains(.pdf) else { return nil }
        do { return try HeadlessChromium.locate(explicit: chromium, timeout: pdfTimeout) } catch let failure as HeadlessChromium.Failure {
            throw ValidationFailure("report: " + failure.description)
        }
    }

    func write(_ report: Report, to path: String, with browser: HeadlessChromium) throws {
        do { try browser.printPDF(html: ReportHTML.render(report), to: path) } catch let failure as HeadlessChromium.Failure {
            throw ValidationFailure("report: cannot write \(path): \(failure.description)")
        }
    }
}
