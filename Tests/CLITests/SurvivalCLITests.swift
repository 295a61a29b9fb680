import CallOpsStore
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


    /// SPEC section 12: `callops backup` copies the database safely while it is in use.
    @Test func aBackupDuringAnImportIsWholeAndSound() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let file = try leads(cli, "big.csv", rows: 60_000, base: 0)
        let importing = try cli.start(["leads", "import", file, "--source", "big"])
        usleep(300_000)
        let backup = try cli.run(["backup", "copy.sqlite"])
        importing.waitUntilExit()
        #expect(backup.status == 0 && importing.terminationStatus == 0, "\(backup.stderr)")
        let copy = cli.folder.appendingPathComponent("copy.sqlite").path
        let check = try cli.run(["check", "--db", copy])
        #expect(check.status == 0 && check.stdout.hasPrefix("ok"), "\(check.stdout)\(check.stderr)")
        // The copy holds the batch whole or not at all.
        let leads = try DatabaseQueue(path: copy).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM lead") ?? -1 }
        #expect(leads == 0 || leads == 60_000, "\(leads) leads in the copy")
    }

    /// SPEC section 12: `callops check` runs the domain invariants (no DNC lead open, a lead
    /// held once at a time, pay lines summing to their run) on what an outside tool wrote.
    @Test func checkFindsWhatAnOutsideToolBroke() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        #expect(try cli.run(["pay", "run", "--month", "2026-11"]).status == 0)
        #expect(try cli.run(["check"]).status == 0)
        try DatabaseQueue(path: cli.database).write { db in
            try db.execute(sql: "INSERT INTO dnc (phone, added_at, source) SELECT phone, '2026-11-23T10:00:00', 'tool' FROM lead WHERE id = 1")
            try db.execute(sql: "INSERT INTO lead_ledger (lead_id, event, at, agent_id, reason) SELECT lead_id, 'assigned', at, agent_id, reason FROM lead_ledger WHERE event = 'assigned' AND lead_id = 2")
            try db.execute(sql: "UPDATE pay_line SET amount_fen = amount_fen + 1 WHERE id = (SELECT min(id) FROM pay_line)")
        }
        let check = try cli.run(["check"])
        #expect(check.status != 0)
        let report = check.stdout + check.stderr
        for expected in ["lead 1 is open for agent", "lead 2 was assigned twice", "pay 2026-11: lines sum to"] {
            #expect(report.contains(expected), "\(expected): \(report)")
        }
    }

    @Test func twoImportsAtOnceBothLand() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["init"])
        let a = try leads(cli, "a.csv", rows: 40_000, base: 0), b = try leads(cli, "b.csv", rows: 40_000, base: 50_000)
        let first = try cli.start(["leads", "import", a, "--source", "a"])
        let second = try cli.start(["leads", "import", b, "--source", "b"])
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        let stats = try CLI.json(cli.run(["leads", "stats", "--format", "json"])) as? [[String: Any]]
        #expect(stats?.compactMap { $0["accepted"] as? Int } == [40_000, 40_000])
    }

    /// The calls import drops `activity_day`'s call insert trigger inside its transaction while it
    /// inserts: killed with the calls inserted, it leaves the triggers, no call, and a table that agrees.
    @Test func aCallsImportKilledMidwayLeavesTheTriggers() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let database = cli.database
        func triggers() throws -> [String] {
            try DatabaseQueue(path: database).read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'activity%' ORDER BY name")
            }
        }
        let before = try triggers()
        #expect(before.count == 6)
        var text = "call_id,agent_code,phone,started_at,talk_seconds,disposition\n"
        for n in 0..<200 { text += "K\(n),A001,1390000000\(1 + n % 2),2026-11-\(String(format: "%02d", 2 + n % 20))T10:\(String(format: "%02d", n % 60)):00,\(n % 3 == 0 ? 0 : 80),\(n % 3 == 0 ? "no_answer" : "connected")\n" }
        let file = try cli.write("calls.csv", text)
        let run = try cli.start(["calls", "import", file], environment: ["CALLOPS_FAULT": "calls.import.after-inserts"])
        run.waitUntilExit()
        #expect(run.terminationReason == .uncaughtSignal && run.terminationStatus == SIGKILL, "the import was not killed at the fault point")
        #expect(try triggers() == before)
        #expect(try DatabaseQueue(path: database).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call") } == 0)
        #expect(try cli.run(["check"]).status == 0)
        // The same file then imports whole, and the check finds the table in step.
        #expect(try cli.run(["calls", "import", file]).status == 0)
        let (dials, calls) = try DatabaseQueue(path: database).read { db in
            (try Int.fetchOne(db, sql: "SELECT SUM(dials) FROM activity_day"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call"))
        }
        #expect(dials == calls && (calls ?? 0) > 100)
        #expect(try triggers() == before)
        #expect(try cli.run(["check"]).status == 0)
    }

    @Test func aRunKilledMidwayLeavesNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["init"])
        // Two chunks of 65,536: the process kills itself once the first is written, inside the
        // import's transaction (CALLOPS_FAULT names the point; see FaultPoint).
        let big = try leads(cli, "big.csv", rows: 100_000, base: 0)
        let run = try cli.start(["leads", "import", big, "--source", "big"], environment: ["CALLOPS_FAULT": "leads.import.after-chunk"])
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
