import Alarms
import Config
import Foundation
import Testing
import TestSupport

@Suite struct RuleFileTests {
    @Test func readsElastAlertVocabulary() throws {
        let r = try rule("""
            name: burst
            type: frequency
            index: [logs-system.journal-*]
            filter:
              - query: {query_string: {query: 'log.level:err'}}
              - term: {host.name: flp001}
            query_key: [host.name, process.name]
            num_events: 5
            timeframe: {minutes: 5}
            run_every: 30s
            query_delay: {seconds: 10}
            realert: {minutes: 10}
            exponential_realert: {hours: 1}
            alert_subject: "{0} on {1}"
            alert_subject_args: [num_hits, host.name]
            severity: critical
            use_keyword_postfix: false
            """)
        #expect(r.name == "burst")
        #expect(r.timeframe == 300 && r.runEvery == 30 && r.queryDelay == 10 && r.realert == 600 && r.exponentialRealert == 3600)
        #expect(r.queryKey == ["host.name", "process.name"])
        #expect(r.filters.count == 2 && r.filters[0].hasPrefix(#"{"query_string""#))
        #expect(r.severity == .critical)
        guard case .frequency(5) = r.kind else { Issue.record("kind \(r.kind)"); return }
    }

    @Test func errorsNameFileLineAndKey() throws {
        let cases: [(String, Int, String, String)] = [
            ("name: a\ntype: frequency\nindex: x\nnum_events: 3\ntimeframe: 5m\ntimefram: 1m\n", 6, "timefram", "did you mean \"timeframe\""),
            ("name: a\ntype: any\nindex: x\nuse_count_query: true\n", 4, "use_count_query", "always counts"),
            ("name: a\ntype: any\nindex: x\nuse_keyword_postfix: true\n", 4, "use_keyword_postfix", "only false is accepted"),
            ("name: a\ntype: any\nindex: x\nnum_events: 3\n", 4, "num_events", "applies to type frequency"),
            ("name: a\ntype: frequncy\nindex: x\n", 2, "type", "did you mean \"frequency\""),
            ("name: a\ntype: frequency\nindex: x\ntimeframe: 5m\n", 1, "", "missing required option \"num_events\""),
            ("name: a\ntype: any\nindex: x\nrealert: soon\n", 4, "realert", "expected a duration"),
            ("name: a\ntype: any\nindex: x\nfilter:\n  - match_none: {}\n", 5, "filter[0].match_none", "unsupported query clause"),
            ("name: a\ntype: any\nindex: x\nalert: [pagerduty]\n", 4, "alert[0]", "unknown alerter"),
            ("name: a\ntype: any\nindex: x\nalert_subject: '{0} {1}'\nalert_subject_args: [host.name]\n", 5, "alert_subject_args", "2 {} placeholder"),
        ]
        for (yaml, line, key, message) in cases {
            do {
                _ = try rule(yaml)
                Issue.record("accepted: \(yaml)")
            } catch let e as ConfigError {
                #expect(e.file.hasSuffix("test.yaml"))
                #expect(e.line == line, "\(e)")
                #expect(e.keyPath == key, "\(e)")
                #expect(e.message.contains(message), "\(e)")
            }
        }
    }

    @Test func shippedRulesLintCleanAndTyposAreCaught() throws {
        let root = TestPaths.packageRoot
        let set = try RuleSet.load(directory: root + "/deploy/rules")
        #expect(set.rules.count >= 7)
        let catalog = try FieldCatalog.load(mappingsDirectory: root + "/Mappings")
        for r in set.rules { #expect(RuleLint.check(r, catalog: catalog).isEmpty, "\(r.name): \(RuleLint.check(r, catalog: catalog))") }

        let bad = try rule("name: a\ntype: any\nindex: x\nquery_key: host.nme\nfilter:\n  - query_string: {query: 'log.levl:err'}\n")
        let problems = RuleLint.check(bad, catalog: catalog).map(\.description)
        #expect(problems.contains { $0.contains("query_key") && $0.contains("did you mean \"host.name\"") })
        #expect(problems.contains { $0.contains("filter") && $0.contains("log.levl") })
        let text = try rule("name: a\ntype: new_term\nindex: x\nfields: [message]\n")
        #expect(RuleLint.check(text, catalog: catalog).first?.message.contains("is text") == true)
    }

    @Test func lintCommandExitsNonZeroWithLocations() throws {
        let dir = try rulesDirectory(["good.yaml": "name: g\ntype: any\nindex: x\nquery_key: host.name\n",
                                      "bad.yaml": "name: b\ntype: any\nindex: x\nrealrt: 1m\n"])
        let (status, output) = try runProcess(try TestPaths.logbridgeBinary(),
                                              ["rules", "lint", dir, "--mappings", TestPaths.packageRoot + "/Mappings"])
        #expect(status == 1)
        #expect(output.contains("bad.yaml:4: realrt: unknown option; did you mean \"realert\"?"), "\(output)")
    }
}
