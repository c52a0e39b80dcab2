// swift-tools-version:6.1
import PackageDescription

/// Strict settings applied to every Swift target in one place.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatehouse", targets: ["GatehouseCLI"]),
        .library(name: "HTTPAuth", targets: ["HTTPAuth"]),
        .library(name: "Passwords", targets: ["Passwords"]),
        .library(name: "Tokens", targets: ["Tokens"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
    ],
    targets: [
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt"),
        .target(
            name: "HTTPAuth",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Passwords",
            dependencies: [
                "CCrypt",
                "HTTPAuth",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Tokens",
            dependencies: [
                "HTTPAuth",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GatehouseCLI",
            dependencies: [
                "HTTPAuth", "Passwords", "Tokens",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GatehouseBench",
            dependencies: ["HTTPAuth", "Passwords"],
            path: "bench/Sources/GatehouseBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HTTPAuthTests", dependencies: ["HTTPAuth"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "PasswordsTests", dependencies: ["Passwords"], swiftSettings: swiftSettings),
        .testTarget(name: "TokensTests", dependencies: ["Tokens", .product(name: "JWTKit", package: "jwt-kit")], swiftSettings: swiftSettings),
        .testTarget(name: "GatehouseCLITests", dependencies: ["GatehouseCLI"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
