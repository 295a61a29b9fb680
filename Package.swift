// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "callops",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "callops", targets: ["callops"]),
        .executable(name: "callops-bench", targets: ["callops-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Shared model: typed identifiers, money, the clock, the random source, settings, CSV.
        .target(
            name: "CallOpsCore",
            dependencies: [.product(name: "TOMLKit", package: "TOMLKit"), "CZlib", "CSHA256"]
        ),
        // SHA-256's compression on the processor's SHA instructions, where it has them.
        .target(name: "CSHA256"),
        // zlib's inflate, for reading xlsx workbooks a chunk at a time.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libxlsxwriter (Debian's libxlsxwriter-dev), for writing reports as workbooks.
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        // Reports as Excel workbooks: typed cells, frozen headers, native charts (SPEC section 3).
        .target(name: "Spreadsheet", dependencies: ["CallOpsCore", "CXLSXWriter"]),
        // SQLite's process-wide settings, made before its first use (`sqlite3_config` is variadic C).
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        // The SQLite store: connection, migrator, the audit log.
        .target(
            name: "CallOpsStore",
            dependencies: [
                "CallOpsCore", "CSQLiteSetup", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // Teams, seats and agents (SPEC section 4).
        .target(name: "Roster", dependencies: ["CallOpsCore", "CallOpsStore"]),
        // The data officer's module (SPEC section 5).
        .target(name: "LeadData", dependencies: ["CallOpsCore", "CallOpsStore", "Roster"]),
        // The agent's day (SPEC sections 6 and 7): calls, the cadence, queues, sales, cross-sell.
        .target(name: "FollowUp", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData"]),
        // The back office (SPEC section 9): planning first.
        .target(name: "BackOffice", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp"]),
        // The team lead's view (SPEC section 8).
        .target(name: "SeatProductivity", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice"]),
        // `callops daily`: the nightly batch over every module (SPEC section 10).
        .target(name: "Nightly", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice", "SeatProductivity", "Spreadsheet"]),
        // `callops demo`: a believable center built through the real modules.
        .target(name: "Demo", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice", "SeatProductivity"]),
        // The thin command line.
        .executableTarget(
            name: "callops",
            dependencies: [
                "CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice", "SeatProductivity", "Nightly", "Demo", "Spreadsheet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmark of SPEC section 11.
        .executableTarget(
            name: "callops-bench",
            dependencies: [
                "CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice", "SeatProductivity", "Spreadsheet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the fuzzers feed (SPEC section 12); `callops-fuzz` runs it under libFuzzer:
        // swift build -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING --product callops-fuzz
        .target(name: "CallOpsFuzz", dependencies: ["CallOpsCore", "LeadData"]),
        .executableTarget(name: "callops-fuzz", dependencies: ["CallOpsFuzz"]),
        .testTarget(name: "CallOpsCoreTests", dependencies: ["CallOpsCore"]),
        // The regression corpus is read from the source folder (#filePath), not bundled.
        .testTarget(name: "FuzzTests", dependencies: ["CallOpsCore", "CallOpsFuzz"], exclude: ["Corpus"]),
        .testTarget(name: "CallOpsStoreTests", dependencies: ["CallOpsCore", "CallOpsStore"]),
        .testTarget(name: "RosterTests", dependencies: ["CallOpsCore", "CallOpsStore", "Roster"]),
        .testTarget(name: "LeadDataTests", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData"]),
        .testTarget(name: "FollowUpTests", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp"]),
        .testTarget(name: "BackOfficeTests", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice"]),
        .testTarget(name: "SeatProductivityTests", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice", "SeatProductivity"]),
        .testTarget(name: "NightlyTests", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice", "SeatProductivity", "Nightly"]),
        .testTarget(name: "DemoTests", dependencies: ["CallOpsCore", "CallOpsStore", "Roster", "LeadData", "FollowUp", "BackOffice", "SeatProductivity", "Nightly", "Demo"]),
        // Runs the built `callops` binary on real files.
        // GRDB only to damage a database file the way an outside tool could; FollowUp only for
        // its migrations, to make a database as an older callops left it.
        .testTarget(name: "CLITests", dependencies: ["callops", "CallOpsCore", "CallOpsStore", "FollowUp", "Spreadsheet", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SpreadsheetTests", dependencies: ["CallOpsCore", "Spreadsheet"]),
    ],
    swiftLanguageModes: [.v6]
)
