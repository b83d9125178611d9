import Testing
@testable import Config

@Suite("patterns")
struct PatternsConfigTests {
    @Test("absent: on for every input, 10,000 patterns, catalogue every 30 s")
    func defaults() throws {
        let config = try parse(minimalInputs)
        #expect(config.patterns == PatternSettings())
        #expect(config.patterns.enabled(forInput: "system"))
        #expect(config.patterns.maxPatterns == 10_000 && config.patterns.catalogue && config.patterns.catalogueIntervalSeconds == 30)
    }

    @Test("the section and the per-input switch are read")
    func present() throws {
        let config = try parse("""
            patterns: {max_patterns: 500, masks: ["blk_*", "job-????"], catalogue: false, catalogue_interval: 5s}
            inputs:
              - type: journald
                id: system
              - type: syslog
                id: relay
                listen: ["udp://127.0.0.1:5514"]
                patterns: false
            """)
        #expect(config.patterns.maxPatterns == 500)
        #expect(config.patterns.masks == ["blk_*", "job-????"])
        #expect(!config.patterns.catalogue && config.patterns.catalogueIntervalSeconds == 5)
        #expect(config.patterns.enabled(forInput: "system"))
        #expect(!config.patterns.enabled(forInput: "relay"))
        let off = try parse("patterns: {enabled: false}\n" + minimalInputs)
        #expect(!off.patterns.enabled(forInput: "system"))
    }

    @Test("mistakes name the file, line and key", arguments: [
        ("patterns: {masks: [\"*\"]}\n", 1, "patterns.masks[0]", "would mask every token"),
        ("patterns:\n  masks: [\"blk_*\", \"a b\"]\n", 2, "patterns.masks[1]", "never contains spaces"),
        ("patterns:\n  max_patterns: 3\n", 2, "patterns.max_patterns", "16"),
        ("patterns:\n  catalog: true\n", 2, "patterns.catalog", "catalogue"),
    ])
    func errors(yaml: String, line: Int, key: String, fragment: String) {
        let error = configError(yaml + minimalInputs)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.keyPath == key, "\(String(describing: error))")
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test("patterns on an input must be a bool")
    func inputSwitchType() {
        let error = configError("inputs:\n  - type: journald\n    id: system\n    patterns: maybe\n")
        #expect(error?.line == 4)
        #expect(error?.keyPath == "inputs[0].patterns")
    }
}
