// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "kring",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kring", targets: ["kring"]),
        // Libraries so the separate benchmark package (Benchmarks/assignment) can depend on the root by path.
        .library(name: "KringSolver", targets: ["KringSolver"]),
        .library(name: "KringPlanChecker", targets: ["KringPlanChecker"]),
        .library(name: "KringSolverBench", targets: ["KringSolverBench"]),
        // For the separate mail benchmark package (Benchmarks/mail).
        .library(name: "KringMail", targets: ["KringMail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Property-based tests of the enrolment rules (test targets only).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // NIOHTTPTypes: the request and response parts `KringServer.ConnectionGuard` watches (Hummingbird uses it too).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
    ],
    targets: [
        // The model and its rules: no I/O, no SQL, no libical, no HTTP.
        .target(name: "KringDomain", dependencies: ["KringAddress"], swiftSettings: swiftSettings),
        // The one rule for a plain e-mail address, shared by the domain (contacts) and KringMail (recipients) so
        // neither depends on the other; Swift standard library only.
        .target(name: "KringAddress", swiftSettings: swiftSettings),
        // Numbered SQL migrations, shipped as resources of a one-file target.
        .target(
            name: "KringMigrations",
            path: "Migrations",
            exclude: [],
            resources: [.copy("sql")],
            swiftSettings: swiftSettings
        ),
        // The example scenario (`kring demo` imports it), bundled so the binary finds it from any directory.
        .target(
            name: "KringExamples",
            path: "Examples",
            sources: ["ExampleScenario.swift"],
            resources: [.copy("flanders-groups.yaml")],
            swiftSettings: swiftSettings
        ),
        // Field encryption of contact data and key files.
        .target(
            name: "KringSecrets",
            dependencies: ["KringDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // SQLite through GRDB: migrations, records, repositories.
        .target(
            name: "KringStorage",
            dependencies: [
                "KringDomain", "KringMigrations",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The annual report as plain values, its small-count suppression and its renderers (text, CSV, HTML with SVG).
        .target(name: "KringReport", swiftSettings: swiftSettings),
        // One operation per user action, each one transaction; shared by the CLI and the server.
        .target(
            name: "KringApp",
            dependencies: [
                "KringDomain", "KringStorage", "KringSecrets", "KringSolver", "KringPlanChecker",
                "KringCalendar", "KringBusyParsing", "KringMail", "KringReport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // libical 3.0.16 from Debian (libical-dev), used only by KringCalendar.
        .systemLibrary(
            name: "CLibical",
            pkgConfig: "libical",
            providers: [.apt(["libical-dev"]), .brew(["libical"])]
        ),
        // iCalendar feeds, one-recipient invites and busy-time import; plain value types, no other Kring target.
        .target(name: "KringCalendar", dependencies: ["CLibical"], swiftSettings: swiftSettings),
        // Parsing untrusted calendar files in a limited child process (limits, answer format); knows no Kring type.
        .target(
            name: "KringBusyParsing", dependencies: ["KringCalendar", "CKringSandbox"], swiftSettings: swiftSettings),
        // prctl is variadic, so Swift cannot call it: NO_NEW_PRIVS and the parser child's seccomp filter in C.
        .target(name: "CKringSandbox"),
        // libcurl from Debian (libcurl4-openssl-dev), used only by KringMail for SMTP and TLS.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        // iMIP e-mail of invites and their delivery (SMTP through libcurl, or sendmail); plain values, no other
        // Kring target, so the outbox integration stays a thin layer.
        .target(
            name: "KringMail",
            dependencies: [
                "CCurl", "KringAddress",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Facilitator assignment solver: plain value types in, plan out; Foundation only.
        .target(name: "KringSolver", swiftSettings: swiftSettings),
        // Independent checker of every hard rule; uses only KringSolver's input/output value types.
        .target(name: "KringPlanChecker", dependencies: ["KringSolver"], swiftSettings: swiftSettings),
        // Seeded instance generator around a planted feasible plan, for tests and the benchmark.
        .target(name: "KringSolverBench", dependencies: ["KringSolver"], swiftSettings: swiftSettings),
        // What the service and its remote client share: request and error bodies, and the endpoint table. Foundation
        // only, so the CLI's remote mode needs no HTTP server.
        .target(name: "KringWire", dependencies: ["KringApp", "KringDomain"], swiftSettings: swiftSettings),
        // The HTTP service: Hummingbird routes over the same application operations as the CLI.
        .target(
            name: "KringServer",
            dependencies: [
                "KringApp", "KringDomain", "KringWire",
                "KringMail", "KringReport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kring",
            dependencies: [
                "KringApp", "KringServer", "KringWire", "KringBusyParsing", "KringDomain", "KringExamples",
                "KringReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the test targets share: the sandbox around the real binary, a process runner, the privacy checks
        // (trace logs, canary scans), calendar and plan fixtures. Tests only.
        .target(
            name: "KringTestSupport",
            dependencies: [
                "KringStorage", "KringSolver", "KringPlanChecker",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/KringTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KringAppTests",
            dependencies: [
                "KringApp", "KringDomain", "KringStorage", "KringSecrets", "KringMail", "KringReport",
                "KringTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KringSecretsTests",
            dependencies: ["KringSecrets", "KringDomain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KringServerTests",
            dependencies: [
                "KringServer", "KringWire", "KringApp", "KringDomain", "KringSecrets", "KringStorage",
                "KringTestSupport",
                "KringBusyParsing",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KringSolverTests",
            dependencies: ["KringSolver", "KringPlanChecker", "KringSolverBench", "KringTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KringCalendarTests", dependencies: ["KringCalendar"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KringMailTests",
            dependencies: ["KringMail", "KringTestSupport", .product(name: "Logging", package: "swift-log")],
            exclude: ["Scripts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KringDomainTests", dependencies: ["KringDomain"], swiftSettings: swiftSettings),
        .testTarget(name: "KringReportTests", dependencies: ["KringReport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KringStorageTests",
            dependencies: [
                "KringStorage", "KringSecrets", "KringMigrations", "KringDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KringCLITests",
            dependencies: [
                "KringStorage", "KringApp", "KringSolver", "KringPlanChecker", "KringBusyParsing", "KringTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
