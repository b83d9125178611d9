import Testing
@testable import Config

@Suite("reports")
struct ReportsConfigTests {
    @Test("shift starts and the time zone are read; absent, the ALICE shifts in local time")
    func present() throws {
        #expect(try parse(minimalInputs).reports == ReportSettings())
        let config = try parse("reports: {shifts: [\"06:00\", \"14:00\", \"22:00\"], timezone: Europe/Zurich}\n" + minimalInputs)
        #expect(config.reports.shiftStarts == [360, 840, 1320])
        #expect(config.reports.timeZone == "Europe/Zurich")
    }

    @Test("mistakes name the file, line and key", arguments: [
        ("reports:\n  shifts: [\"8:00\"]\n", 2, "reports.shifts[0]", "HH:MM"),
        ("reports:\n  shifts: [\"16:00\", \"08:00\"]\n", 2, "reports.shifts[1]", "ascending"),
        ("reports:\n  timezone: Mars/Olympus\n", 2, "reports.timezone", "unknown time zone"),
        ("reports:\n  shift: [\"08:00\"]\n", 2, "reports.shift", "shifts"),
    ])
    func errors(yaml: String, line: Int, key: String, fragment: String) {
        let error = configError(yaml + minimalInputs)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.keyPath == key, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
    }
}
