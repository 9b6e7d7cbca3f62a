// swift-tools-version:6.1
import PackageDescription

// Module boundaries (see docs/architecture.md):
// - ZooKeeperProtocol and ZooKeeperCore are pure: no NIO, no sockets, no clocks.
// - ZooKeeperServer is the I/O shell around the core (NIO channels, disk, timers).
let package = Package(
    name: "zkdash",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zkdash", targets: ["zkdash"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        .target(name: "ZooKeeperProtocol"),
        // Leader election and ZAB as pure state machines (the ensemble issue).
        .target(
            name: "QuorumCore",
            dependencies: [
                // The one Zxid type.
                "ZooKeeperProtocol",
                // O(1) append and evict for the leader's txn history and proposal queue.
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Txn log and snapshot files: opaque payloads, checksums, torn-tail recovery.
        .target(name: "ZooKeeperStorage"),
        // Operator surfaces that are pure text: zoo.cfg parsing and four-letter-word reports.
        .target(name: "ZooKeeperAdmin", dependencies: ["ZooKeeperProtocol"]),
        .target(
            name: "ZooKeeperCore",
            dependencies: [
                "ZooKeeperProtocol",
                // Membership text and the reconfig arithmetic (pure, as this module).
                "ZooKeeperAdmin",
                .product(name: "Logging", package: "swift-log"),
                // Persistent hash tries: an O(1) copy of the whole tree for snapshots.
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ]
        ),
        .target(
            name: "ZooKeeperServer",
            dependencies: [
                "ConnectionSecurity",
                "ZooKeeperProtocol",
                "ZooKeeperCore",
                "ZooKeeperStorage",
                "ZooKeeperAdmin",
                "QuorumCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // TLS for client ports and AdminServers (swift-nio-ssl): PEM trust roots,
        // client certificates, Apache's ssl.* server keys, and readable errors.
        .target(
            name: "ConnectionSecurity",
            dependencies: [
                "ZooKeeperAdmin",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                // MD5 for SASL DIGEST-MD5 (RFC 2831), which the mechanism itself requires.
                .product(name: "Crypto", package: "swift-crypto"),
                // Certificate subjects: a TLS session's x509 identity, the banner's "issued to".
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // async/await client: host list, session, reconnect, watches as async sequences.
        .target(
            name: "ZooKeeperClient",
            dependencies: [
                "ZooKeeperProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The monitor's pure side: answer parsers, the cluster model and its
        // policy (what to ask, how to read answers over time), the reports.
        // No NIO, no clock: poll rounds in, state and events out.
        .target(name: "EnsembleModel", dependencies: ["ZooKeeperAdmin", "ZooKeeperProtocol"]),
        // The monitor's I/O edge: the NIO poller and the actor that owns the model.
        .target(
            name: "EnsembleMonitor",
            dependencies: [
                "ConnectionSecurity",
                "EnsembleModel",
                "ZooKeeperAdmin",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The dashboard's state, reducer and rendering into a cell buffer: pure.
        .target(
            name: "DashboardUI",
            // Theme files (themes/*.toml) are read by its own TOMLReader: TOMLKit's
            // toml++ aborted the process on malformed files (docs/reliability.md).
            dependencies: ["EnsembleModel"]
        ),
        // The dashboard's I/O side: the tree view's client requests and watches.
        .target(
            name: "DashboardIO",
            dependencies: [
                "DashboardUI", "ZooKeeperClient", "ZooKeeperProtocol", "ZooKeeperAdmin", "EnsembleModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // ncursesw, and a C shim for what Swift cannot import (macros, stdscr, signal-safe endwin).
        .systemLibrary(name: "CNcurses"),
        .target(name: "CNcursesShim", dependencies: ["CNcurses"], linkerSettings: [.linkedLibrary("ncursesw")]),
        // The curses shell around DashboardUI: terminal, key decoding, colour pairs, frame diffs.
        .target(name: "TerminalUI", dependencies: ["CNcursesShim", "DashboardUI"]),
        // Test support shared by test targets: the embedded server in process,
        // free loopback ports, timeouts. Not part of any product.
        .target(
            name: "ServerTestSupport",
            dependencies: ["ZooKeeperServer", .product(name: "Logging", package: "swift-log")]
        ),
        // Complexity guards for the test targets: cost per operation as what the code holds grows.
        .target(name: "GrowthGuard"),
        .executableTarget(
            name: "zkdash",
            dependencies: [
                "ConnectionSecurity",
                "ZooKeeperServer",
                "EnsembleModel",
                "EnsembleMonitor",
                "DashboardUI",
                "DashboardIO",
                "TerminalUI",
                // zkdash demo's sample clients.
                "ZooKeeperClient",
                "ZooKeeperProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ZooKeeperProtocolTests", dependencies: ["ZooKeeperProtocol"]),
        // EnsembleMonitor reads what QuorumCore's election recorder writes.
        .testTarget(
            name: "QuorumCoreTests",
            // ZooKeeperCore: the simulation runs the shipped ServerCore on every node.
            dependencies: ["QuorumCore", "ZooKeeperCore", "ZooKeeperProtocol", "EnsembleModel", "GrowthGuard"],
            // Scenario scripts with their expected traces, read from the source tree by the tests.
            exclude: ["Scenarios"]
        ),
        .testTarget(name: "ZooKeeperCoreTests", dependencies: ["ZooKeeperCore", "ZooKeeperProtocol", "GrowthGuard"]),
        .testTarget(name: "ZooKeeperStorageTests", dependencies: ["ZooKeeperStorage"]),
        .testTarget(name: "ZooKeeperAdminTests", dependencies: ["ZooKeeperAdmin"]),
        .testTarget(
            name: "ZooKeeperClientTests",
            dependencies: [
                "ZooKeeperClient", "ZooKeeperServer", "ZooKeeperProtocol", "ServerTestSupport",
                .product(name: "Logging", package: "swift-log"),
                // The reconnect tests put a loopback TCP proxy between client and server.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EnsembleMonitorTests",
            dependencies: ["EnsembleModel", "EnsembleMonitor", "ZooKeeperAdmin"],
            // Raw answers captured from real Apache 3.8 nodes (scripts/capture_apache_answers.py).
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "DashboardUITests",
            dependencies: ["DashboardUI", "EnsembleModel", "ZooKeeperAdmin"],
            // Golden screens, read from the source tree by the tests.
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "DashboardIOTests",
            dependencies: [
                "DashboardIO", "DashboardUI", "ZooKeeperServer", "ZooKeeperClient", "ZooKeeperProtocol", "ServerTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ZooKeeperServerTests",
            dependencies: [
                "ZooKeeperServer", "ZooKeeperCore", "ZooKeeperProtocol",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ConnectionSecurityTests",
            dependencies: [
                "ConnectionSecurity", "ZooKeeperServer", "ZooKeeperClient", "ZooKeeperProtocol", "ZooKeeperAdmin", "EnsembleModel", "EnsembleMonitor",
                "DashboardIO", "DashboardUI",
                "ServerTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            // Test certificates, read from the source tree.
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "CNcursesShim", "DashboardUI", "EnsembleModel"]),
    ],
    swiftLanguageModes: [.v6]
)
