// swift-tools-version:6.1
import Foundation
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
        .library(name: "Store", targets: ["Store"]),
        .library(name: "Gateway", targets: ["Gateway"]),
        .library(name: "Doctor", targets: ["Doctor"]),
        .library(name: "LogAnalysis", targets: ["LogAnalysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP over HTTP only: the gRPC exporter (grpc-swift) would double the build for a transport collectors
        // offer beside HTTP anyway.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "CByteScan"),
        .target(name: "UTCTime", swiftSettings: swiftSettings),
        .target(name: "LogAnalysis", dependencies: ["CZlib", "CByteScan", "UTCTime"], swiftSettings: swiftSettings),
        .target(
            name: "HTTPAuth",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
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
                "HTTPAuth", "UTCTime",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "HTTPAuth", "Passwords", "Tokens", "Store", "UTCTime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Doctor",
            dependencies: [
                "HTTPAuth", "Tokens", "Passwords", "LogAnalysis", "UTCTime",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GatehouseCLI",
            dependencies: [
                "HTTPAuth", "Passwords", "Tokens", "Store", "Gateway", "Doctor", "LogAnalysis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
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
        .testTarget(name: "LogAnalysisTests", dependencies: ["LogAnalysis", "UTCTime"], swiftSettings: swiftSettings),
        .testTarget(name: "UTCTimeTests", dependencies: ["UTCTime"], swiftSettings: swiftSettings),
        .testTarget(name: "TokensTests", dependencies: ["Tokens", .product(name: "JWTKit", package: "jwt-kit")], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Store", "HTTPAuth", "Tokens",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DoctorTests", dependencies: ["Doctor", "Tokens"], swiftSettings: swiftSettings),
        .testTarget(name: "GatehouseCLITests", dependencies: ["GatehouseCLI"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)

// bench/fuzz.sh sets GATEHOUSE_FUZZ to build the libFuzzer target (with -sanitize=fuzzer,address and -enable-testing,
// in its own .build-fuzz folder); an ordinary build never sees it.
if ProcessInfo.processInfo.environment["GATEHOUSE_FUZZ"] != nil {
    package.targets += [
        .target(name: "CFuzzDriver", path: "bench/FuzzDriver"),
        .executableTarget(
            name: "GatehouseFuzz", dependencies: ["CFuzzDriver", "HTTPAuth", "Tokens", "Doctor", "Gateway", "LogAnalysis"],
            path: "bench/Fuzz", swiftSettings: swiftSettings),
    ]
}
