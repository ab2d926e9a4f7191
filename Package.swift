// swift-tools-version:6.2
import PackageDescription

// One settings array for every target: Swift 6 language mode with strict concurrency is the default
// for tools 6.x; the upcoming features below keep the code honest about existential and import use.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "csm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "csm", targets: ["csm"]),
        // For the libFuzzer package in Fuzz/ (built on its own, never by `swift build` here).
        .library(name: "CSMConfig", targets: ["CSMConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", exact: "2.8.1"),
        // HTTP client for Linear, Claude's usage endpoint and the TUI's event stream (DESIGN.md §9).
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
    ],
    targets: [
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLibGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .target(name: "CSMModel", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(
            name: "CSMConfig",
            dependencies: ["CSMModel", "CSMAgent", "CYAML", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(name: "CSMPlanner", dependencies: ["CSMModel"], exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(
            name: "CSMDrivers",
            dependencies: ["CSMModel", "CLibGit2", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSMAgent",
            dependencies: ["CSMModel", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSMIntegrations",
            dependencies: [
                "CSMModel", "CSMAgent",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSMEngine",
            dependencies: [
                "CSMModel", "CSMConfig", "CSMPlanner", "CSMDrivers", "CSMAgent",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSMTUI",
            dependencies: [
                "CSMModel", "CSMConfig", "CSMPlanner", "CSMDrivers", "CSMEngine", "CSMAgent", "CSMIntegrations",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSMServer",
            dependencies: [
                "CSMModel", "CSMConfig", "CSMPlanner", "CSMDrivers", "CSMEngine", "CSMAgent", "CSMIntegrations",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            // The dashboard's files, compiled into the binary (DashboardAssets): nothing to install beside it.
            resources: [.embedInCode("Web")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSMCLI",
            dependencies: [
                "CSMModel", "CSMConfig", "CSMPlanner", "CSMDrivers", "CSMEngine", "CSMTUI", "CSMServer",
                "CSMIntegrations", "CSMAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "csm", dependencies: ["CSMCLI"], swiftSettings: swiftSettings),
        .target(
            name: "CSMTestSupport",
            dependencies: [
                "CSMModel", "CSMPlanner", "CSMDrivers", "CSMEngine", "CSMConfig", "CSMIntegrations",
                // The fake Linear and usage servers (FakeLinearServer, FakeClaudeUsageServer) on 127.0.0.1.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CSMScriptedModel", exclude: ["README.md"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CSMAgentTests",
            dependencies: ["CSMAgent", "CSMModel", "CSMScriptedModel", "CSMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSMIntegrationsTests",
            dependencies: ["CSMIntegrations", "CSMAgent", "CSMModel", "CSMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSMConfigTests",
            dependencies: ["CSMConfig", "CSMModel", "CSMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSMPlannerTests",
            dependencies: ["CSMPlanner", "CSMModel", "CSMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSMDriversTests",
            dependencies: ["CSMDrivers", "CSMModel", "CSMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSMEngineTests",
            dependencies: ["CSMEngine", "CSMModel", "CSMPlanner", "CSMDrivers", "CSMConfig", "CSMAgent", "CSMTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSMTUITests",
            dependencies: [
                "CSMTUI", "CSMModel", "CSMConfig", "CSMEngine", "CSMPlanner", "CSMDrivers", "CSMAgent", "CSMTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSMServerTests",
            dependencies: [
                "CSMServer", "CSMEngine", "CSMModel", "CSMPlanner", "CSMDrivers", "CSMConfig", "CSMTestSupport",
                "CSMIntegrations",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["CSMModel", "CSMDrivers", "CSMEngine", "CSMAgent", "CSMScriptedModel", "CSMTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
