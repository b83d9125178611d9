// swift-tools-version:6.0
import PackageDescription

// Modules on the per-event path: in release builds, skip the runtime exclusivity checks. They cost ~5% of
// the journald path (swift_beginAccess on every field) and the code there keeps buffers single-owner.
// Debug builds and tests keep them on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

let package = Package(
    name: "LogBridge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "logbridge", targets: ["logbridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
    ],
    targets: [
        // C libraries, taken from Debian's -dev packages.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // libcurl never compresses request bodies; `_bulk` NDJSON shrinks ~8x, so we gzip it with ISA-L's igzip.
        .systemLibrary(name: "CIgzip", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),

        // What every module reports through (metric samples), below all of them.
        .target(name: "Instrumentation", dependencies: [logging]),
        // The flow of an event, one module per step.
        .target(name: "ECS", swiftSettings: hotPath),
        // The one typed JSON value, reader and writer (no dependencies: Setup, Reports and Alarms share it).
        .target(name: "JSON"),
        .target(name: "Config", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Pipeline", dependencies: [logging]),
        // SSE4.2 CRC-32C for the spool's record checksums, chosen at run time (Spool falls back to Swift tables).
        .target(name: "CRC32CHardware", path: "Sources/CRC32CHardware"),
        .target(name: "Spool", dependencies: ["Pipeline", "CRC32CHardware", "Instrumentation", logging]),
        // Connection limits, idle timeouts and accept back-off shared by every listener.
        .target(name: "Listeners", dependencies: ["Instrumentation"]),
        .target(name: "Inputs", dependencies: ["ECS", "Config", "Pipeline", "Spool", "Listeners", "Instrumentation", "Patterns", logging],
                swiftSettings: hotPath),
        .target(name: "JournaldInput", dependencies: ["CSystemd", "Inputs", "ECS", "Config", "Pipeline", "Instrumentation", "Patterns", logging],
                swiftSettings: hotPath),
        // The syslog wire format (parse a line, write its ECS document, time zones), shared by the syslog and file inputs.
        .target(name: "SyslogFormat", dependencies: ["ECS", "Patterns"], swiftSettings: hotPath),
        .target(name: "SyslogInput", dependencies: [
            "Inputs", "SyslogFormat", "ECS", "Config", "Spool", "Listeners", "Instrumentation", logging,
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ] + nio, swiftSettings: hotPath),
        .target(name: "FileInput", dependencies: ["Inputs", "SyslogFormat", "ECS", "Config", "Pipeline", "Instrumentation", "Patterns", logging],
                swiftSettings: hotPath),
        .target(name: "InfoLoggerInput", dependencies: ["Inputs", "ECS", "Config", "Pipeline", "Spool", "Listeners", "Instrumentation", "Patterns", logging],
                swiftSettings: hotPath),
        .target(name: "Bulk", dependencies: ["CCurl", "CIgzip", "ECS", "Config", "JSON", "Pipeline", "Instrumentation", logging]),
        .target(name: "Telemetry", dependencies: ["Listeners", "Instrumentation", logging] + nio),
        .target(name: "Setup", dependencies: ["Bulk", "Config", "JSON", logging]),
        .target(name: "SavedObjects", dependencies: ["Bulk", "Config", "JSON", "Setup", logging]),
        .target(name: "Alarms", dependencies: [
            "Bulk", "Config", "ECS", "JSON", "Patterns", logging, .product(name: "Yams", package: "Yams"),
        ] + nio),
        .target(name: "Shipper", dependencies: [
            "Inputs", "JournaldInput", "SyslogInput", "FileInput", "InfoLoggerInput", "Bulk", "Pipeline", "Spool", "Config",
            "Telemetry", "Listeners", "Instrumentation", "Patterns", "JSON", logging,
        ]),
        .target(name: "Demo"),
        // `logbridge report`: a period's figures asked of the cluster in two `_msearch` requests, their renderers, and the
        // e-mail of `--mail` (libcurl SMTP, hence CCurl).
        .target(name: "Reports", dependencies: ["Bulk", "CCurl", "Config", "ECS", "JSON", "Setup"]),
        // Log-template mining (docs/patterns.md): no dependencies, so it builds in seconds.
        .target(name: "Patterns", swiftSettings: hotPath),
        // `hypot`, `hypotf` and `arc4random` for the packaged binary without their GLIBC_2.35/2.36 versions (--wrap in
        // the Makefile's STATIC_LINK): the .rpm built on Debian 12 then installs on Alma/RHEL 9 (docs/packaging.md).
        .target(name: "CGlibcCompat", path: "Sources/CGlibcCompat"),
        .executableTarget(name: "logbridge", dependencies: [
            "Shipper", "Setup", "SavedObjects", "Alarms", "Demo", "Config", "Bulk", "ECS", "JSON", "Listeners", "Patterns", "Reports",
            "CGlibcCompat",
            .product(name: "ArgumentParser", package: "swift-argument-parser"), logging,
        ]),
        // A counting `_bulk` stand-in for `make bench`, so the benchmark needs nothing outside the repo.
        .executableTarget(name: "BenchSink", dependencies: ["CIgzip"], path: "Sources/BenchSink"),

        // Real components for tests: osmem-server, journal files from systemd-journal-remote, free ports, running programs.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ECSTests", dependencies: ["ECS"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        .testTarget(name: "PatternsTests", dependencies: ["Patterns", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "TestSupport"]),
        .testTarget(name: "BulkTests", dependencies: ["Bulk", "Pipeline", "ECS", "Instrumentation", "TestSupport"]),
        .testTarget(name: "JournaldInputTests", dependencies: ["JournaldInput", "Inputs", "Pipeline", "ECS", "Config", "TestSupport"]),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", "Pipeline", "TestSupport"]),
        .testTarget(name: "SyslogFormatTests", dependencies: ["SyslogFormat", "ECS"]),
        .testTarget(name: "SyslogInputTests", dependencies: [
            "SyslogInput", "Inputs", "Pipeline", "Spool", "ECS", "Config", "TestSupport", logging,
        ]),
        .testTarget(name: "FileInputTests", dependencies: ["FileInput", "Inputs", "Pipeline", "ECS", "Config", "TestSupport", logging]),
        .testTarget(name: "InfoLoggerInputTests", dependencies: [
            "InfoLoggerInput", "Inputs", "Pipeline", "Spool", "ECS", "Config", "TestSupport", logging,
        ]),
        .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "Instrumentation", "TestSupport", logging]),
        .testTarget(name: "SetupTests", dependencies: ["Setup", "Bulk", "Config", "JSON", "TestSupport", logging]),
        .testTarget(name: "SavedObjectsTests", dependencies: [
            "SavedObjects", "Setup", "Bulk", "Config", "JSON", "TestSupport", logging, .product(name: "Yams", package: "Yams"),
            // The demo farm's InfoLogger documents come from the InfoLogger input's own encoder.
            "InfoLoggerInput", "ECS",
        ]),
        .testTarget(name: "AlarmsTests", dependencies: [
            "Alarms", "Bulk", "Config", "JSON", "TestSupport", "Patterns", logging,
            // The InfoLogger sink is proven by LogBridge's own `local`-mode receiver decoding what it sent.
            "InfoLoggerInput", "Inputs", "Pipeline", "Spool", "ECS",
        ] + nio),
        .testTarget(name: "IntegrationTests", dependencies: [
            "Shipper", "Setup", "Demo", "Bulk", "Config", "Inputs", "TestSupport",
            // InputMetricsTests sets every counter of every input and reads it back from /metrics.
            "ECS", "FileInput", "InfoLoggerInput", "JournaldInput", "Listeners", "Spool", "SyslogInput", "Telemetry", logging,
        ]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Setup", "Bulk", "Config", "JSON", "TestSupport", logging]),
        .testTarget(name: "ReliabilityTests", dependencies: ["TestSupport", logging]),

        // Fuzz targets for the parsers that take bytes from outside (`make fuzz`; Tests/Fuzz/README.md).
        // A plain `swift build` builds them as corpus replayers; `make fuzz` rebuilds them with coverage
        // instrumentation and -DFUZZING, which hands `main` to libFuzzer's driver.
        .target(name: "FuzzSupport", path: "Tests/Fuzz/Targets/FuzzSupport"),
        .executableTarget(name: "fuzz-config", dependencies: ["Config", "FuzzSupport"], path: "Tests/Fuzz/Targets/fuzz-config"),
        .executableTarget(name: "fuzz-json", dependencies: ["JSON", "FuzzSupport"], path: "Tests/Fuzz/Targets/fuzz-json"),
        .executableTarget(name: "fuzz-bulk-response", dependencies: ["Bulk", "FuzzSupport"],
                          path: "Tests/Fuzz/Targets/fuzz-bulk-response"),
        .executableTarget(name: "fuzz-syslog", dependencies: ["SyslogInput", "SyslogFormat", "ECS", "FuzzSupport"],
                          path: "Tests/Fuzz/Targets/fuzz-syslog"),
        .executableTarget(name: "fuzz-infologger", dependencies: ["InfoLoggerInput", "FuzzSupport"],
                          path: "Tests/Fuzz/Targets/fuzz-infologger"),
        .executableTarget(name: "fuzz-infologger-lines", dependencies: ["InfoLoggerInput", "FuzzSupport"],
                          path: "Tests/Fuzz/Targets/fuzz-infologger-lines"),
        .executableTarget(name: "fuzz-multiline", dependencies: ["FileInput", "Config", "ECS", "Inputs", "Pipeline", "FuzzSupport", logging],
                          path: "Tests/Fuzz/Targets/fuzz-multiline"),
    ]
)
