import Testing
@testable import Config

@Suite("health")
struct HealthConfigTests {
    @Test("absent: health documents on, one sample a minute")
    func defaults() throws {
        let config = try parse(minimalInputs)
        #expect(config.health == HealthSettings())
        #expect(config.health.enabled && config.health.intervalSeconds == 60)
    }

    @Test("the section is read")
    func present() throws {
        let config = try parse("health: {enabled: false, interval: 5m}\n" + minimalInputs)
        #expect(!config.health.enabled && config.health.intervalSeconds == 300)
    }

    @Test("mistakes name the file, line and key", arguments: [
        ("health:\n  interval: 500ms\n", 2, "health.interval", "between 1s and 24h"),
        ("health:\n  interval: 25h\n", 2, "health.interval", "between 1s and 24h"),
        ("health:\n  enabled: sometimes\n", 2, "health.enabled", "true or false"),
        ("health:\n  intervall: 1m\n", 2, "health.intervall", "interval"),
    ])
    func errors(yaml: String, line: Int, key: String, fragment: String) {
        let error = configError(yaml + minimalInputs)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.keyPath == key, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
    }
}
