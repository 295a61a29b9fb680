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

}
