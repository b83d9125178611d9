import Testing
@testable import Telemetry

@Suite struct PrometheusTextTests {
    @Test func familiesHaveHelpTypeAndLabelledSamples() {
        var p = PrometheusText()
        p.family("logbridge_input_received_total", .counter, help: "Events read.",
                 [.init([("input", "farm"), ("type", "journald")], 42), .init([("input", "epn"), ("type", "journald")], 7)])
        p.family("logbridge_ready", .gauge, help: "1 when ready.", 1)
        #expect(p.text == """
            # HELP logbridge_input_received_total Events read.
            # TYPE logbridge_input_received_total counter
            logbridge_input_received_total{input="farm",type="journald"} 42
            logbridge_input_received_total{input="epn",type="journald"} 7
            # HELP logbridge_ready 1 when ready.
            # TYPE logbridge_ready gauge
            logbridge_ready 1

            """)
    }

    @Test func labelValuesAndHelpAreEscaped() {
        var p = PrometheusText()
        p.family("m", .gauge, help: "a\\b\nc", [.init([("input", "we\"ird\\id\n")], 1.5)])
        #expect(p.text.contains(#"# HELP m a\\b\nc"#))
        #expect(p.text.contains(#"m{input="we\"ird\\id\n"} 1.5"#))
    }

    @Test func histogramBucketsAreCumulativeAndEndWithInf() {
        var p = PrometheusText()
        p.histogram("lat_seconds", help: "Latency.", [.init(bounds: [0.1, 1], counts: [2, 3, 1], sum: 4.25, count: 6)])
        #expect(p.text.contains("lat_seconds_bucket{le=\"0.1\"} 2\n"))
        #expect(p.text.contains("lat_seconds_bucket{le=\"1\"} 5\n"))
        #expect(p.text.contains("lat_seconds_bucket{le=\"+Inf\"} 6\n"))
        #expect(p.text.contains("lat_seconds_sum 4.25\n"))
        #expect(p.text.contains("lat_seconds_count 6\n"))
        #expect(p.text.contains("# TYPE lat_seconds histogram"))
    }

    @Test func specialValuesUseTheFormatsSpelling() {
        #expect(PrometheusText.format(.nan) == "NaN")
        #expect(PrometheusText.format(.infinity) == "+Inf")
        #expect(PrometheusText.format(-.infinity) == "-Inf")
        #expect(PrometheusText.format(3) == "3")
        #expect(PrometheusText.format(0.25) == "0.25")
    }
}

@Suite struct ReadinessTests {
    let readiness = Readiness(unreadyAfter: 30)

    @Test func notReadyBeforeTheClusterAnswered() {
        #expect(!readiness.evaluate(lastAnsweredAt: nil, failingSince: nil, now: 100).ready)
        #expect(!readiness.evaluate(lastAnsweredAt: nil, failingSince: 90, now: 100).ready)
    }

    @Test func shortFailuresDoNotFlapLongOnesDo() {
        #expect(readiness.evaluate(lastAnsweredAt: 50, failingSince: nil, now: 100).ready)
        #expect(readiness.evaluate(lastAnsweredAt: 50, failingSince: 80, now: 100).ready)
        let v = readiness.evaluate(lastAnsweredAt: 50, failingSince: 60, now: 100)
        #expect(!v.ready)
        #expect(v.reason.contains("40 s"))
    }
}
