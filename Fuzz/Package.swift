// swift-tools-version:6.2
// libFuzzer targets for csm, kept out of the main package so `swift build` / `swift test` never build
// them. Build and run (Linux):
//   cd Fuzz && swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
//   mkdir -p /tmp/fz && .build/debug/ConfigFuzzer /tmp/fz Corpus/config -max_total_time=600 -timeout=10
// (ld.gold crashes on the sanitizer build; lld ships with the toolchain.)
// See docs/reliability.md.
import PackageDescription

let package = Package(
    name: "csm-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "csm", path: "..")],
    targets: [
        .executableTarget(
            name: "ConfigFuzzer",
            dependencies: [.product(name: "CSMConfig", package: "csm")]
        )
    ]
)
