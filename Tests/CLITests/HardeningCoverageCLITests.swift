import CallOpsStore
import Foundation
import FollowUp
import GRDB
import Testing

/// SPEC section 12's clauses that had no end-to-end test when issue 14's coverage was walked
/// (docs/hardening-coverage.md): a database from an older callops, `--rejects` on a full disk,
/// and the writer's default wait.
@Suite(.serialized) struct HardeningCoverageCLITests {
    /// The migrations the first callops had: each module's first (no grants, classes, activity
    /// table, renewals, departures or servicing agents, and none of the back office's).
    static let first: Set<String> = ["roster.v1", "leads.v1", "followup.v1"]

    /// A database as an older callops left it (the first schema steps only, no application id
    /// in the header): one agent, two leads, a sale.
    static func makeOlderDatabase(_ cli: CLI) throws {
        do {
            let old = try AppDatabase.open(path: cli.database, schema: FollowUpSchema.migrations.filter { Self.first.contains($0.name) })
            try old.transaction { db in
                try db.execute(sql: """
                    INSERT INTO team (name) VALUES ('一组');
                    INSERT INTO agent (code, name, team_id, hire_date, tier, status) VALUES ('A001', '张伟', 1, '2024-03-01', 'core', 'active');
                    INSERT INTO lead_batch (source, file_name, file_hash, received_at) VALUES ('v', 'a.csv', 'h', '2026-11-01T09:00:00');
                    INSERT INTO lead (batch_id, phone, name, grade, score, status, agent_id, assigned_at, closed_at, premium_fen)
                        VALUES (1, '13900000001', '张三', 'A', 90, 'won', 1, '2026-11-02T09:00:00', '2026-11-10T10:00:00', 120000),
                               (1, '13900000002', '李四', 'B', 60, 'open', 1, '2026-11-02T09:00:00', NULL, NULL);
                    INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason)
                        VALUES (1, '2026-11-02T09:00:00', 'assigned', 1, 'allocation'), (2, '2026-11-02T09:00:00', 'assigned', 1, 'allocation');
                    INSERT INTO policy (lead_id, agent_id, product, line, premium_fen, mode, insured, commission_fen, sold_at)
                        VALUES (1, 1, 'ACC01', 'accident', 120000, 'annual', 'self', 30000, '2026-11-10T10:00:00');
                    INSERT INTO call (call_id, lead_id, agent_id, started_at, talk_seconds, disposition, contact, effective)
                        VALUES ('c1', 1, 1, '2026-11-10T09:30:00', 120, 'sale', 1, 1);
                    """)
            }
            try old.writer.close()
        }
        let handle = try #require(FileHandle(forUpdatingAtPath: cli.database))
        try handle.seek(toOffset: 68)
        try handle.write(contentsOf: Data([0, 0, 0, 0]))
        try handle.close()
    }

    @Test func aDatabaseFromAnOlderCallopsIsMigratedByTheCommandsThatUseIt() throws {
        let cli = try CLI(database: false)
        defer { cli.cleanUp() }
        try Self.makeOlderDatabase(cli)
        let fresh = try CLI()
        defer { fresh.cleanUp() }
        let latest = try fresh.sqlite("SELECT count(*) FROM grdb_migrations")
        #expect(try cli.sqlite("SELECT count(*) FROM grdb_migrations") != latest, "the old database was made with every migration")

        // A report on the older file: migrated on first use, and its data read as before.
        let report = try cli.ok(["seats", "report", "--month", "2026-11", "--format", "json"])
        let agents = try #require((try CLI.json(report) as? [String: Any])?["agents"] as? [[String: Any]])
        #expect(agents.first?["agent_code"] as? String == "A001" && agents.first?["premium"] as? Double == 1_200, "\(report.stdout)")
        #expect(try cli.sqlite("SELECT count(*) FROM grdb_migrations") == latest)
        #expect(try cli.sqlite("PRAGMA application_id") == "\(0x434F_5053)\n")
        // The migrated policy is served by its seller and falls due; the grants come from the
        // ledger; the database checks clean.
        #expect(try cli.sqlite("SELECT servicing_agent_id = agent_id, next_due_on IS NOT NULL FROM policy") == "1|1\n")
        #expect(try cli.sqlite("SELECT sum(leads) FROM allocation_grant") == "2\n")
        try cli.ok(["check"])
        try cli.ok(["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "connected", "--talk-seconds", "60"])
        try cli.ok(["check"])
    }

    /// Three runs started at once on an older database (a report, a call and a check): each
    /// succeeds, the call is recorded once and the file ends migrated once and sound. Before,
    /// the second to reach a schema step the first had applied failed on grdb_migrations' UNIQUE.
    @Test func threeRunsStartedAtOnceOnAnOlderDatabaseAllSucceed() throws {
        let cli = try CLI(database: false)
        defer { cli.cleanUp() }
        try Self.makeOlderDatabase(cli)
        let older = try Data(contentsOf: URL(fileURLWithPath: cli.database))
        let fresh = try CLI()
        defer { fresh.cleanUp() }
        let latest = try fresh.sqlite("SELECT count(*) FROM grdb_migrations")
        for round in 0..<4 {
            try older.write(to: URL(fileURLWithPath: cli.database))
            let runs = [["seats", "report", "--month", "2026-11"], ["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "busy"], ["check"]]
            let processes = try runs.map { arguments -> (Process, Pipe) in
                let errors = Pipe()
                return (try cli.start(arguments, errors: errors), errors)
            }
            for (n, (process, errors)) in processes.enumerated() {
                let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "round \(round), \(runs[n]): \(said)")
            }
            #expect(try cli.sqlite("SELECT count(*) FROM grdb_migrations") == latest)
            #expect(try cli.sqlite("SELECT count(*) FROM call WHERE lead_id = 2") == "1\n")
            try cli.ok(["check"])
        }
    }

    /// Issue 14, reproduction 9: on a full disk `--rejects` reported success with a 0-byte file
    /// and audited a number as exported. The disk holding the rejects file is full here, the
    /// database's is not: one line, no file, no batch, no audit, dry run or not.
    @Test(.enabled(if: FailureLeavesNothingCLITests.canMount, "needs root to mount a small tmpfs as a full disk"))
    func rejectsOnAFullDiskAreAnErrorAndNoFile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let small = try FailureLeavesNothingCLITests.mountSmallDisk(under: cli.folder, size: "64k")
        defer { FailureLeavesNothingCLITests.shell("/bin/umount", [small.path]) }
        let fill = try FailureLeavesNothingCLITests.fill(small)
        let leads = try cli.write("more.csv", "phone,name\n13900000011,a\n12345,b\n")
        let rejects = small.appendingPathComponent("rejects.csv").path
        let state = "SELECT count(*) FROM lead_batch; SELECT count(*) FROM audit_log; SELECT count(*) FROM lead;"
        let before = try cli.sqlite(state)
        for dryRun in [false, true] {
            let result = try cli.run(["leads", "import", leads, "--source", "x", "--rejects", rejects] + (dryRun ? ["--dry-run"] : []))
            #expect(result.status == 1, "dry run \(dryRun): \(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("the disk is full") && result.stderr.contains("nothing was changed"), "dry run \(dryRun): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: small.path) == ["fill"], "dry run \(dryRun) left a file")
            #expect(try cli.sqlite(state) == before, "dry run \(dryRun) changed the database")
        }
        // With room again the same import writes its rejects and is audited once.
        try FileManager.default.removeItem(atPath: fill)
        try cli.ok(["leads", "import", leads, "--source", "x", "--rejects", rejects])
        #expect(try String(contentsOfFile: rejects, encoding: .utf8).contains("12345"))
        #expect(try cli.sqlite("SELECT count(*) FROM audit_log") == "1\n")
    }

    /// SPEC section 12: a writer waits for another run up to a configurable time, by default
    /// 10 minutes (the shorter waits are tested in HardeningCLITests).
    @Test func theDefaultWaitIsTenMinutes() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let settings = try #require(try CLI.json(cli.ok(["config", "check", "--format", "json"])) as? [String: Any])
        #expect((settings["general"] as? [String: Any])?["busy_wait_seconds"] as? Int == 600, "\(settings["general"] ?? "-")")
    }
}
