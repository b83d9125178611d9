import Testing
@testable import Config

@Suite("Units")
struct UnitsTests {
    @Test("sizes", arguments: [
        ("512", 512), ("512B", 512), ("0", 0),
        ("1kB", 1_000), ("1KB", 1_000), ("64KiB", 65_536), ("10MB", 10_000_000), ("5MiB", 5_242_880),
        ("1GB", 1_000_000_000), ("1GiB", 1_073_741_824), ("1.5KiB", 1_536), ("5 MiB", 5_242_880), (" 2KiB ", 2_048),
    ])
    func sizes(text: String, bytes: Int) {
        #expect(parseByteSize(text) == bytes)
    }

    @Test("rejected sizes", arguments: ["", "five", "5XB", "-5", "5mib", "1.5", "KiB", "5MiB5", "99999999999TiB", "1e3"])
    func rejectedSizes(text: String) {
        #expect(parseByteSize(text) == nil)
    }

    @Test("durations", arguments: [
        ("250ms", 0.25), ("1s", 1.0), ("1.5s", 1.5), ("2m", 120.0), ("1h", 3600.0), ("1m30s", 90.0),
        ("10", 10.0), ("0.5", 0.5), ("0s", 0.0), (" 3s ", 3.0),
    ])
    func durations(text: String, seconds: Double) {
        #expect(parseDurationSeconds(text) == seconds)
    }

    @Test("rejected durations", arguments: ["", "fast", "-1s", "-1", "1x", "s", "1.2.3s", "inf", "nan", "1 s 2"])
    func rejectedDurations(text: String) {
        #expect(parseDurationSeconds(text) == nil)
    }

    @Test("durations are formatted the way they are written")
    func formatting() {
        #expect(formatDuration(seconds: 0.25) == "250ms")
        #expect(formatDuration(seconds: 30) == "30s")
        #expect(formatDuration(seconds: 120) == "2m")
        #expect(formatDuration(seconds: 7200) == "2h")
        #expect(formatDuration(seconds: 1.5) == "1.5s")
    }
}

@Suite("Key suggestions")
struct SuggestionTests {
    @Test func editDistance() {
        #expect(Suggestion.editDistance("bach", "batch") == 1)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.editDistance("same", "same") == 0)
    }

    @Test func closestIsOnlyOfferedWhenPlausible() {
        #expect(Suggestion.closest(to: "bach", among: ["hosts", "batch", "retry"]) == "batch")
        #expect(Suggestion.closest(to: "max_inflight", among: ["max_in_flight", "mode"]) == "max_in_flight")
        #expect(Suggestion.closest(to: "zzzzzzzz", among: ["hosts", "batch"]) == nil)
    }
}
