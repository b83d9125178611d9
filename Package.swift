// swift-tools-version:6.0
import PackageDescription

// Modules on the per-event path: in release builds, skip the runtime exclusivity checks. They cost ~5% of
// the journald path (swift_beginAccess on every field) and the code there keeps buffers single-owner.
// Debug builds and tests keep them on.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

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
    ],
    targets: [
        // C libraries, taken from Debian's -dev packages.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        // The flow of an event, one module per step.
        .target(name: "ECS", swiftSettings: hotPath),
        .target(name: "Config", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Pipeline", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "Spool", dependencies: ["Pipeline", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Inputs", dependencies: [
            "CSystemd", "ECS", "Config", "Pipeline", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: hotPath),
        .target(name: "Bulk", dependencies: [
            "CCurl", "ECS", "Config", "Pipeline", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Setup", dependencies: ["Bulk", "Config", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Shipper", dependencies: [
            "Inputs", "Bulk", "Pipeline", "Config", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Demo", dependencies: ["Bulk", "Config"]),
        .executableTarget(name: "logbridge", dependencies: [
            "Shipper", "Setup", "Demo", "Config", "Bulk",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // A counting `_bulk` stand-in for `make bench`, so the benchmark needs nothing outside the repo.
        .executableTarget(name: "BenchSink", path: "Sources/BenchSink"),

        // Real components for tests: osmem-server, journal files from systemd-journal-remote, free ports.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ECSTests", dependencies: ["ECS"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline"]),
        .testTarget(name: "BulkTests", dependencies: ["Bulk", "Pipeline", "ECS", "TestSupport"]),
        .testTarget(name: "InputsTests", dependencies: ["Inputs", "Pipeline", "ECS", "Config", "TestSupport"]),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", "Pipeline"]),
        .testTarget(name: "SetupTests", dependencies: [
            "Setup", "Bulk", "Config", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "Shipper", "Setup", "Demo", "Bulk", "Config", "Inputs", "TestSupport",
        ]),
    ]
)
