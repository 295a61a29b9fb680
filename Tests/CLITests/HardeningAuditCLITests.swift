import Foundation
import Testing

/// The outside audit of issue 14's hardening: each defect it found, reproduced end to end with
/// the built binary.
@Suite(.serialized) struct HardeningAuditCLITests {
    /// Runs `callops` as `nobody` when the tests run as root (root writes any file).
    func asNobody(_ cli: CLI, _ arguments: [String]) throws -> CLI.Result {
        guard getuid() == 0 else { return try cli.run(arguments) }
        return try cli.run(["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary.path] + arguments,
                           executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
    }

    /// The names in `folder` (hidden ones too), sorted.
    func names(_ folder: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    /// Audit item 1: a file `daily` places never lands on the database or on another SQLite file;
    /// the whole run is refused before anything changes, naming the file.
    @Test func dailyNeverPlacesAFileOnTheDatabaseOrASQLiteFile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let queues = cli.folder.appendingPathComponent("o5/queues")
        try FileManager.default.createDirectory(at: queues, withIntermediateDirectories: true)
        let database = queues.appendingPathComponent("A001.csv").path
        try FileManager.default.copyItem(atPath: cli.database, toPath: database)
        let before = cli.bytes(database)
        let onDatabase = try cli.run(["--db", database, "daily", "--out", cli.folder.appendingPathComponent("o5").path])
        #expect(onDatabase.status != 0)
        #expect(onDatabase.stderr.contains("o5/queues/A001.csv is the database"), "\(onDatabase.stderr)")
        #expect(cli.bytes(database) == before, "the database was replaced")
        #expect(try names(queues.path) == ["A001.csv"], "files were left beside the database")
        #expect(try names(cli.folder.appendingPathComponent("o5").path) == ["queues"])

        // Another SQLite file where a report goes: refused, kept, and the database unchanged.
        let reports = cli.folder.appendingPathComponent("o4/reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let other = reports.appendingPathComponent("seats-2026-11-23.csv").path
        try cli.ok(["init", "--db", other])
        let otherBefore = cli.bytes(other)
        let centerBefore = try cli.sqlite("SELECT count(*) FROM lead_ledger; SELECT count(*) FROM audit_log;")
        let onOther = try cli.run(["daily", "--out", cli.folder.appendingPathComponent("o4").path])
        #expect(onOther.status != 0)
        #expect(onOther.stderr.contains("daily's file") && onOther.stderr.contains("is a SQLite database"), "\(onOther.stderr)")
        #expect(cli.bytes(other) == otherBefore)
        #expect(try cli.sqlite("SELECT count(*) FROM lead_ledger; SELECT count(*) FROM audit_log;") == centerBefore)
        #expect(try names(reports.path) == ["seats-2026-11-23.csv"])
        #expect(try names(cli.folder.appendingPathComponent("o4").path) == ["reports"])
    }

    /// Audit item 2: a writable database in a folder this user cannot write is read-only for
    /// callops: reports and queues work, check finds nothing wrong, init says it exists, and a
    /// command that writes says why it is refused.
    @Test(.enabled(if: getuid() == 0, "needs root to run commands as nobody"))
    func aWritableDatabaseInAReadOnlyFolderIsRead() throws {
        let cli = try CLI()
        defer {
            chmod(cli.folder.appendingPathComponent("rod").path, 0o755)
            cli.cleanUp()
        }
        try cli.oneAgentCenter()
        let folder = cli.folder.appendingPathComponent("rod").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let database = folder + "/c.sqlite"
        try FileManager.default.copyItem(atPath: cli.database, toPath: database)
        #expect(chmod(cli.folder.path, 0o755) == 0 && chmod(database, 0o666) == 0 && chmod(folder, 0o555) == 0)
        let before = cli.bytes(database)
        for arguments in [["seats", "report"], ["queue", "next", "--agent", "A001"], ["roster", "list"], ["check"]] {
            let result = try asNobody(cli, ["--db", database] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        #expect(try asNobody(cli, ["--db", database, "queue", "next", "--agent", "A001"]).stdout.contains("张三"))
        let initialised = try asNobody(cli, ["--db", database, "init"])
        #expect(initialised.status == 0 && initialised.stdout.contains("already exists"), "\(initialised.stdout)\(initialised.stderr)")
        #expect(!initialised.stderr.contains("damaged"))
        let write = try asNobody(cli, ["--db", database, "leads", "recycle"])
        #expect(write.status != 0 && write.stderr.contains("is in a read-only folder"), "\(write.stderr)")
        #expect(!write.stderr.contains("SQLite:"))
        #expect(try names(folder) == ["c.sqlite"])
        #expect(cli.bytes(database) == before)

        // A 0444 file in a writable folder: init says the same, and nothing is left beside it.
        let readOnly = cli.folder.appendingPathComponent("ro.sqlite").path
        try FileManager.default.copyItem(atPath: cli.database, toPath: readOnly)
        #expect(chmod(readOnly, 0o444) == 0 && chmod(cli.folder.path, 0o777) == 0)
        let again = try asNobody(cli, ["--db", readOnly, "init"])
        #expect(again.status == 0 && again.stdout.contains("already exists"), "\(again.stdout)\(again.stderr)")
        for side in ["-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: readOnly + side)) }
    }

    /// Audit item 3: a command that only reads never waits for a writer (WAL lets it read the
    /// last commit); it used to wait at its end, in a truncating checkpoint.
    @Test func aReaderDoesNotWaitForAWriter() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        writer.arguments = [cli.database, "begin immediate; insert into audit_log(at,os_user,command,numbers) values('x','x','x',0);",
                            ".shell sleep 6", "rollback;"]
        writer.standardOutput = FileHandle.nullDevice
        try writer.run()
        defer { writer.waitUntilExit() }
        usleep(700_000)
        // The writer holds the lock: a command that writes waits (and says so).
        #expect(try cli.run(["calls", "log", "--lead", "1", "--agent", "A001", "--disposition", "no_answer"],
                            environment: ["CALLOPS_CONFIG": cli.write("busy.toml", "[general]\nbusy_wait_seconds = 1\n")]).status != 0)
        for arguments in [["seats", "report"], ["roster", "list"], ["queue", "next", "--agent", "A001"], ["leads", "why", "1"], ["check"]] {
            let started = Date()
            let result = try cli.run(arguments)
            let took = Date().timeIntervalSince(started)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("waiting"), "\(arguments): \(result.stderr)")
            #expect(took < 2.5, "\(arguments) took \(took) s behind a writer")
        }
        #expect(writer.isRunning, "the writer ended before the reads: the test proved nothing")
    }

    /// Audit items 6 and 7: `--` after global options given before the command, and the hint
    /// for a negative value among a command's arguments.
    @Test func doubleDashWorksWithGlobalOptionsFirst() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let other = cli.folder.appendingPathComponent("other.sqlite").path
        try FileManager.default.copyItem(atPath: cli.database, toPath: other)
        let why = try cli.run(["--db", other, "leads", "why", "--", "1"])
        #expect(why.status == 0 && why.stdout.contains("lead 1"), "\(why.stderr)")
        // The number goes to the database --db names, never to $CALLOPS_DB's.
        let add = try cli.run(["--db", other, "leads", "dnc", "add", "--", "-13800138000"])
        #expect(add.status == 0, "\(add.stderr)")
        let count = { (path: String) throws -> String in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [path, "SELECT count(*) FROM dnc"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            defer { process.waitUntilExit() }
            return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(try count(other) == "1\n")
        #expect(try count(cli.database) == "0\n")

        let negative = try cli.run(["--db", other, "leads", "dnc", "add", "13800138000", "-13800138001"])
        #expect(negative.status != 0)
        #expect(negative.stderr.contains("then `--`, then the arguments: -- 13800138000 -13800138001"), "\(negative.stderr)")
    }

    /// Audit item 5: commands that write nothing work on a read-only database: the dry runs of
    /// import, allocation and recycling (in a copy in memory). What must be audited and cannot
    /// be, on a file this user cannot write (a backup, a dry run's rejects), is refused with
    /// the reason, not SQLite's "read-only".
    @Test(.enabled(if: getuid() == 0, "needs root to run commands as nobody"))
    func aReadOnlyDatabaseTakesDryRuns() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        try cli.ok(["leads", "import", cli.write("more.csv", "phone,name,age\n13900000003,王五,35\n"), "--source", "w"])
        let leads = try cli.write("l5.csv", "phone,name\n13800138000,a\n1380013800,b\n")
        #expect(chmod(cli.folder.path, 0o777) == 0 && chmod(cli.database, 0o444) == 0)
        let before = cli.bytes(cli.database)
        let listing = try names(cli.folder.path)
        let imported = try asNobody(cli, ["leads", "import", leads, "--source", "x", "--dry-run"])
        #expect(imported.status == 0 && imported.stdout.contains("dry run"), "\(imported.stdout)\(imported.stderr)")
        let allocated = try asNobody(cli, ["leads", "allocate", "--dry-run"])
        #expect(allocated.status == 0 && allocated.stdout.contains("dry run, nothing written: would allocate"), "\(allocated.stdout)\(allocated.stderr)")
        let recycled = try asNobody(cli, ["leads", "recycle", "--dry-run"])
        #expect(recycled.status == 0, "\(recycled.stderr)")
        let rejects = try asNobody(cli, ["leads", "import", leads, "--source", "x", "--dry-run", "--rejects", cli.folder.appendingPathComponent("r.csv").path])
        #expect(rejects.status != 0 && rejects.stderr.contains("audit log"), "\(rejects.stderr)")
        let backup = try asNobody(cli, ["backup", cli.folder.appendingPathComponent("b.sqlite").path])
        #expect(backup.status != 0 && backup.stderr.contains("audit log"), "\(backup.stderr)")
        #expect(cli.bytes(cli.database) == before)
        #expect(try names(cli.folder.path) == listing, "files were left behind")
        // A real run is still refused.
        #expect(try asNobody(cli, ["leads", "allocate"]).stderr.contains("read-only"))
    }
}
