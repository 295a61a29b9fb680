import CallOpsStore
import Foundation
import Testing

/// SPEC section 12: a damaged database is one clear error, never a crash or GRDB's raw text,
/// and takes no write (issue 14).
@Suite(.serialized) struct DamagedDatabaseCLITests {

    /// `count` random bytes (from `seed`) written at `offset` of the database.
    func damage(_ path: String, at offset: Int, count: Int = 65_536, seed: UInt64) throws {
        var state = seed
        let noise = (0..<count).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(noise))
        try handle.close()
    }

    /// The page number of the lead table's leaf `offset(leaves)` (in tree order, of `leaves`
    /// leaves) and the page size.
    func leadLeaf(_ cli: CLI, _ offset: (Int) -> Int) throws -> (page: Int, pageSize: Int) {
        try DatabaseQueue(path: cli.database).read { db in
            let leaves = try Int.fetchOne(db, sql: "SELECT count(*) FROM dbstat WHERE name = 'lead' AND pagetype = 'leaf'") ?? 0
            return (try Int.fetchOne(db, sql: "SELECT pageno FROM dbstat WHERE name = 'lead' AND pagetype = 'leaf' ORDER BY path LIMIT 1 OFFSET ?",
                                     arguments: [offset(leaves)]) ?? 0,
                    try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4_096)
        }
    }

    /// A center of 6,002 leads, so that the database spans many pages.
    func largerCenter(_ cli: CLI) throws {
        try cli.oneAgentCenter()
        var text = "phone,name,age\n"
        for i in 0..<6_000 { text += "137\(String(format: "%08d", i)),客户\(i),\(20 + i % 40)\n" }
        #expect(try cli.run(["leads", "import", cli.write("many.csv", text), "--source", "m"]).status == 0)
    }

    /// Runs each command on the damaged file: refused with one line that names `callops check`,
    /// no raw GRDB error, the file byte for byte as it was.
    func expectRefusedUntouched(_ cli: CLI, _ commands: [[String]]) throws {
        let before = cli.bytes(cli.database)
        for command in commands {
            let result = try cli.run(command)
            #expect(result.status == 1, "\(command): status \(result.status): \(result.stderr)")
            #expect(result.stderr.contains("damaged") && result.stderr.contains("callops check --db "), "\(command): \(result.stderr)")
            // Each of SQLite's findings on its own, never its lines run together (the outside audit's D5).
            #expect(!result.stderr.contains("\\n") && !result.stderr.contains("*** in database"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("SQLite error"), "\(command): a raw GRDB error: \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
            #expect(cli.bytes(cli.database) == before, "\(command) changed the damaged file")
        }
    }

    @Test func bulkWritersRefuseAFileDamagedAnywhere() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        let size = try #require(cli.bytes(cli.database)).count
        try damage(cli.database, at: size / 2, seed: 14)
        var more = "phone,name,age\n"
        for i in 0..<3_000 { more += "136\(String(format: "%08d", i)),新客\(i),\(20 + i % 40)\n" }
        try expectRefusedUntouched(cli, [
            ["leads", "import", try cli.write("more.csv", more), "--source", "n"],
            ["calls", "import", try cli.write("calls.csv", "call_id,agent_code,lead_id,started_at,talk_seconds,disposition\nc1,A001,2,2026-11-23T09:30,60,connected\n")],
            ["roster", "import", try cli.write("roster2.csv", "agent_code,name,team,hire_date\nA002,李娜,一组,2024-03-01\n")],
            ["leads", "allocate", "--seed", "1"],
            ["leads", "recycle"],
            ["pay", "run", "--month", "2026-11"],
            ["daily", "--out", cli.folder.appendingPathComponent("night").path],
        ])
        #expect(try cli.run(["check"]).status != 0)
    }

    /// `callops check` on a damaged file shows SQLite's findings and the invariants that could
    /// run, never the refusal that sends the user to `callops check` (the audit after issue 14).
    @Test func checkShowsTheDamage() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        let pristine = try #require(cli.bytes(cli.database))
        let (page, pageSize) = try leadLeaf(cli) { _ in 3 }
        for (offset, count) in [(pristine.count / 2, 65_536), (pristine.count / 8, 65_536), ((page - 1) * pageSize, pageSize)] {
            try pristine.write(to: URL(fileURLWithPath: cli.database))
            try damage(cli.database, at: offset, count: count, seed: UInt64(offset))
            let result = try cli.run(["check"])
            #expect(result.status == 1, "damage at \(offset): \(result.stderr)")
            #expect((result.stderr.contains("problems found") || result.stderr.contains("1 problem found")), "damage at \(offset): \(result.stderr)")
            #expect(!result.stderr.contains("to see the damage"), "damage at \(offset): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count < 80, "damage at \(offset): \(result.stderr.count) characters")
            // init does not call a damaged database ready, and leaves it as it was.
            let damaged = cli.bytes(cli.database)
            let again = try cli.run(["init"])
            #expect(again.status == 1 && again.stderr.contains("damaged"), "init on damage at \(offset): \(again.stdout) \(again.stderr)")
            #expect(cli.bytes(cli.database) == damaged, "init changed the damaged file")
        }
    }

    @Test func aCallOnADamagedPageIsRefusedCleanly() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        // The page that holds lead 1: the lead table's leftmost leaf.
        let (page, pageSize) = try leadLeaf(cli) { _ in 0 }
        #expect(page > 1)
        try damage(cli.database, at: (page - 1) * pageSize, count: pageSize, seed: 7)
        try expectRefusedUntouched(cli, [
            ["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "60"],
            ["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "1200"],
            ["leads", "dnc", "add", "13900000001"],
            ["leads", "import", try cli.write("one.csv", "phone,name\n13600000001,新客\n"), "--source", "n"],
            // Commands that only read meet the page too: the same sentence, naming `callops check --db`.
            ["leads", "why", "1"],
            ["leads", "stats"],
        ])
        #expect(try cli.run(["check"]).status == 1)
    }

    /// Issue 14, reproduction 5, as it stands (README, "a damaged database"): a small writer runs
    /// no check of the whole file (0.1 s on the demo center, 3-4 s at 1,000,000 leads; a check of
    /// only the tables it writes costs as much, the lead table being most of the file), so damage
    /// on pages it does not read lets it write; the bulk writers, `backup` and `check` find it.
    @Test func damageAwayFromASmallWritersPagesIsFoundByTheBulkWritersBackupAndCheck() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        // A leaf of the lead table in its middle: no lead of agent A001 (leads 1 and 2) is on it.
        let (page, pageSize) = try leadLeaf(cli) { $0 / 2 }
        #expect(page > 1)
        try damage(cli.database, at: (page - 1) * pageSize, count: pageSize, seed: 5)
        let logged = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "60"])
        #expect(logged.status == 0, "the small writer read the damaged page: \(logged.stderr)")
        try expectRefusedUntouched(cli, [
            ["leads", "import", try cli.write("more.csv", "phone,name\n13600000001,新客\n"), "--source", "n"],
            ["leads", "allocate", "--seed", "1"],
            ["backup", "copy.sqlite"],
        ])
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("copy.sqlite").path))
        let check = try cli.run(["check"])
        #expect(check.status == 1 && check.stderr.contains("problem"), "\(check.stdout)\(check.stderr)")
    }

    /// A leaf of the lead table whose header points its cell content at byte 1: SQLite's finding
    /// for it is a row of two lines ("*** in database main ***", then "Page N: free space
    /// corruption"); `check`, `backup` and a bulk writer show
    /// the page's line alone, and `backup` names `callops check --db` as the other refusals do
    /// (the outside audit's D5).
    @Test func aFindingOfSeveralLinesIsShownLineByLine() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        let (page, pageSize) = try leadLeaf(cli) { _ in 5 }
        let handle = try #require(FileHandle(forUpdatingAtPath: cli.database))
        try handle.seek(toOffset: UInt64((page - 1) * pageSize + 5))
        try handle.write(contentsOf: Data([0x00, 0x01]))
        try handle.close()
        let raw = try DatabaseQueue(path: cli.database).read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        #expect(raw.contains { $0.contains("\n") }, "SQLite's rows: \(raw)")
        let backup = try cli.run(["backup", "copy.sqlite"])
        #expect(backup.status == 1 && backup.stderr.contains("no backup was written") && backup.stderr.contains("callops check --db "), "\(backup.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("copy.sqlite").path))
        try expectRefusedUntouched(cli, [["backup", "copy.sqlite"], ["leads", "allocate", "--seed", "1"]])
        let check = try cli.run(["check"])
        #expect(check.status == 1 && check.stderr.contains("Page \(page)"), "\(check.stderr)")
        #expect(!check.stderr.contains("\\n") && !check.stderr.contains("*** in database"), "\(check.stderr)")
    }

    /// Fills the audit log with `rows` entries by SQL, so that it spans many pages.
    func fillAuditLog(_ cli: CLI, rows: Int = 3_000) throws {
        try DatabaseQueue(path: cli.database).write { db in
            for i in 0..<rows {
                try db.execute(sql: "INSERT INTO audit_log (at, os_user, command, numbers) VALUES ('2026-11-01T00:00:00', 'clerk', ?, 0)",
                               arguments: ["leads import file-\(i).csv --source a-source-named-at-some-length"])
            }
        }
    }

    /// Damages a leaf in the middle of the audit log: a page no import, allocation or nightly
    /// run reads (an audit line is appended on the rightmost leaf).
    func damageAnUnreadPage(_ cli: CLI) throws {
        let (page, pageSize) = try DatabaseQueue(path: cli.database).read { db in
            let leaves = try Int.fetchOne(db, sql: "SELECT count(*) FROM dbstat WHERE name = 'audit_log' AND pagetype = 'leaf'") ?? 0
            return (try Int.fetchOne(db, sql: "SELECT pageno FROM dbstat WHERE name = 'audit_log' AND pagetype = 'leaf' ORDER BY path LIMIT 1 OFFSET ?",
                                     arguments: [leaves / 2]) ?? 0,
                    try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4_096)
        }
        #expect(page > 1)
        try damage(cli.database, at: (page - 1) * pageSize, count: pageSize, seed: 15)
    }

    /// The regular files under `folder`.
    func files(under folder: URL) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []).filter { name in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    /// The quick check runs beside a bulk writer, not before it: damage on a page the writer
    /// never reads (it would commit without the check) is still refused before COMMIT, the file
    /// byte for byte as it was and no output placed; on the sound file the same runs write.
    @Test func damageOnPagesTheWriterDoesNotReadIsRefusedBeforeCommitAndOutputs() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        try fillAuditLog(cli)
        let sound = try #require(cli.bytes(cli.database))
        try damageAnUnreadPage(cli)
        let rejects = cli.folder.appendingPathComponent("rejects.csv").path
        let night = cli.folder.appendingPathComponent("night")
        let leads = try cli.write("more.csv", "phone,name\n13600000001,新客\n12345,坏号\n")
        let calls = try cli.write("calls.csv", "call_id,agent_code,lead_id,started_at,talk_seconds,disposition\nc1,A001,1,2026-11-23T09:30,60,connected\n")
        let commands = [
            ["leads", "import", leads, "--source", "n", "--rejects", rejects],
            ["calls", "import", calls],
            ["leads", "allocate", "--seed", "1"],
            ["daily", "--out", night.path],
        ]
        try expectRefusedUntouched(cli, commands + [["leads", "import", leads, "--source", "n", "--rejects", rejects, "--dry-run"]])
        #expect(!FileManager.default.fileExists(atPath: rejects), "a rejects file was placed on a damaged database")
        #expect(files(under: night).isEmpty, "daily placed \(files(under: night)) on a damaged database")
        // The same file, sound: the same runs write as before.
        try sound.write(to: URL(fileURLWithPath: cli.database))
        for command in commands {
            let result = try cli.run(command)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: rejects))
        #expect(!files(under: night).isEmpty)
        let (imported, called) = try DatabaseQueue(path: cli.database).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM lead WHERE phone = '13600000001'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM call WHERE call_id = 'c1'") ?? 0)
        }
        #expect(imported == 1 && called == 1)
        #expect(try cli.run(["check"]).status == 0)
    }

    /// A value written outside callops that fails its CHECK is damage the quick check finds
    /// (on a connection that may write: a read-only one skips the CHECKs). A writer that meets
    /// it itself (allocation reading a pool lead's grade) fails while the check beside it runs:
    /// it says what the check found, as when the check ran first; one that never reads it (a
    /// lead's class) is refused before COMMIT. The file stays byte for byte as it was.
    @Test func aStoredValueFailingItsCheckIsRefusedWithTheChecksWords() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        let sound = try #require(cli.bytes(cli.database))
        for (column, value) in [("grade", "Z"), ("class", "hot")] {
            try sound.write(to: URL(fileURLWithPath: cli.database))
            try DatabaseQueue(path: cli.database).write { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                try db.execute(sql: "UPDATE lead SET \(column) = ? WHERE id = 10", arguments: [value])
            }
            let before = cli.bytes(cli.database)
            // A do-not-call file is a bulk write too (an outside audit found it closing leads on
            // such a file); a number or two typed on the command line is not checked.
            let numbers = try cli.write("dnc.txt", "13900000001\n13900000002\n")
            for command in [["leads", "allocate", "--seed", "1"], ["leads", "allocate", "--seed", "1", "--dry-run"], ["leads", "dnc", "add", "--file", numbers]] {
                let result = try cli.run(command)
                #expect(result.status == 1, "\(column): \(command): \(result.stdout) \(result.stderr)")
                #expect(result.stderr.contains("is damaged (lead row 10, column \(column): fails CHECK"), "\(column): \(command): \(result.stderr)")
                #expect(result.stderr.contains("nothing was changed; run `callops check"), "\(column): \(command): \(result.stderr)")
                #expect(result.stdout.isEmpty, "\(column): \(command): \(result.stdout)")
                #expect(cli.bytes(cli.database) == before, "\(column): \(command) changed the file")
            }
        }
    }

    /// A stored value holding an escape and a newline, 600 characters long, written past the
    /// CHECK: `callops check` quotes at most 80 characters of it, escaped, on one line (SPEC 12).
    @Test func checkQuotesABadValueCutAndEscaped() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        try DatabaseQueue(path: cli.database).write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE lead SET grade = char(27) || '[31m' || char(10) || 'BAD' || hex(randomblob(300)) WHERE id = 10")
        }
        let result = try cli.run(["check"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"), "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("BAD") }, "\(result.stderr)")
        let quoting = lines.filter { $0.contains("column grade: \"") }
        #expect(!quoting.isEmpty, "\(result.stderr)")
        for line in quoting {
            #expect(line.contains("\"\\x1B[31m\\nBAD") && line.contains("characters)"), "\(line)")
            #expect(line.count < 200, "\(line.count) characters: \(line)")
        }
    }

    /// 200 random bytes inside leaves of the lead table: where SQLite's integrity check
    /// stops partway ("could not finish"), `callops check` still shows the findings it gave
    /// before it stopped, or quick_check's (the audit: only "could not finish" was shown).
    @Test func checkKeepsTheFindingsOfAnIntegrityCheckThatStops() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try largerCenter(cli)
        let pristine = try #require(cli.bytes(cli.database))
        let (pages, pageSize) = try DatabaseQueue(path: cli.database).read { db in
            (try Int.fetchAll(db, sql: "SELECT pageno FROM dbstat WHERE name = 'lead' AND pagetype = 'leaf' ORDER BY pageno LIMIT 12"),
             try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4_096)
        }
        var stopped = 0
        for page in pages {
            for seed in UInt64(1)...4 {
                try pristine.write(to: URL(fileURLWithPath: cli.database))
                try damage(cli.database, at: (page - 1) * pageSize + 1_500, count: 200, seed: seed &* 1_000 &+ UInt64(page))
                let result = try cli.run(["check"])
                guard result.stderr.contains("integrity_check could not finish") else { continue }
                stopped += 1
                let findings = result.stderr.split(separator: "\n").filter { $0.contains("page") || $0.contains("Page") }
                #expect(!findings.isEmpty, "page \(page) seed \(seed): \(result.stderr)")
            }
        }
        #expect(stopped > 0, "no damage stopped the integrity check; pages \(pages)")
    }
}
