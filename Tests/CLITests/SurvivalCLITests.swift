import Foundation
import Testing

/// SPEC section 12: two runs at once wait for each other; a run killed midway leaves nothing.
@Suite(.serialized) struct SurvivalCLITests {
    /// Writes a lead file of `rows` distinct numbers starting at `base`.
    func leads(_ cli: CLI, _ name: String, rows: Int, base: Int) throws -> String {
        var text = "phone,name,age\n"
        text.reserveCapacity(rows * 30)
        for i in 0..<rows { text += "139\(String(format: "%08d", base + i)),客户\(i),\(20 + i % 40)\n" }
        return try cli.write(name, text)
    }

    func start(_ cli: CLI, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = cli.folder
        var environment = ProcessInfo.processInfo.environment
        environment["CALLOPS_DB"] = cli.folder.appendingPathComponent("test.sqlite").path
        environment["CALLOPS_NOW"] = "2026-11-23T10:00"
        environment.removeValue(forKey: "CALLOPS_FAULT")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func twoImportsAtOnceBothLand() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["init"])
        let a = try leads(cli, "a.csv", rows: 40_000, base: 0), b = try leads(cli, "b.csv", rows: 40_000, base: 50_000)
        let first = try start(cli, ["leads", "import", a, "--source", "a"])
        let second = try start(cli, ["leads", "import", b, "--source", "b"])
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        let stats = try CLI.json(cli.run(["leads", "stats", "--format", "json"])) as? [[String: Any]]
        #expect(stats?.compactMap { $0["accepted"] as? Int } == [40_000, 40_000])
    }

    @Test func aRunKilledMidwayLeavesNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["init"])
        // Two chunks of 65,536: the process kills itself once the first is written, inside the
        // import's transaction (CALLOPS_FAULT names the point; see FaultPoint).
        let big = try leads(cli, "big.csv", rows: 100_000, base: 0)
        let run = try start(cli, ["leads", "import", big, "--source", "big"], environment: ["CALLOPS_FAULT": "leads.import.after-chunk"])
        run.waitUntilExit()
        #expect(run.terminationReason == .uncaughtSignal && run.terminationStatus == SIGKILL, "the import was not killed at the fault point")
        // Nothing half written: no batch, no lead, and the database is sound.
        let stats = try #require(try CLI.json(cli.run(["leads", "stats", "--format", "json"])) as? [[String: Any]])
        #expect(stats.isEmpty, "a killed import left part of a batch")
        #expect(try cli.run(["check"]).status == 0)
        // The same file then imports whole.
        let again = try CLI.json(cli.run(["leads", "import", big, "--source", "big", "--format", "json"])) as? [String: Any]
        #expect(again?["accepted"] as? Int == 100_000)
    }
}
