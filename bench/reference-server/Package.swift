// swift-tools-version:6.2
import PackageDescription

// The reference of benchmark 4: a bare Hummingbird route returning a constant JSON body. A package of
// its own (not a target of csm's), so `make test` never builds it.
let package = Package(
    name: "ReferenceServer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1")
    ],
    targets: [
        .executableTarget(
            name: "ReferenceServer",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]
        )
    ]
)
