import Foundation
import Testing

/// SPEC section 12: commands that only read work on a read-only file, the renewals lists too (issue 14).
@Suite(.serialized) struct RenewalsReadOnlyCLITests {

    @Test func renewalsDueAndReportOnlyRead() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        #expect(try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "1200", "--mode", "monthly"]).status == 0)
        let path = cli.database
        // Due 2026-12-23, unpaid: 60 days of grace, lapsed on 2027-02-22; nothing has written the lapse yet.
        let now = "2027-03-31T10:00"
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = cli.bytes(path)
        let due = try cli.run(["renewals", "due"], now: now)
        #expect(due.status == 0 && due.stdout.contains("1 policies lapsed"), "\(due.stdout)\(due.stderr)")
        let readOnly = try cli.run(["renewals", "report", "--month", "2027-02", "--format", "json"], now: now)
        #expect(readOnly.status == 0, "\(readOnly.stderr)")
        let onTheFly = try #require(try CLI.json(readOnly) as? [String: Any])
        #expect((onTheFly["center"] as? [String: Any])?["lapses"] as? Int == 1, "\(onTheFly)")
        #expect(cli.bytes(path) == before)
        for side in ["-wal", "-shm"] { #expect(!FileManager.default.fileExists(atPath: path + side)) }

        // Once the nightly run has written the lapse, the report is the same.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let night = try cli.run(["daily", "--date", "2027-03-31", "--out", cli.folder.appendingPathComponent("out").path], now: now)
        #expect(night.status == 0, "\(night.stderr)")
        let written = try cli.run(["renewals", "report", "--month", "2027-02", "--format", "json"], now: now)
        #expect(written.stdout == readOnly.stdout)
        let after = try cli.run(["renewals", "due"], now: now)
        #expect(after.status == 0 && !after.stdout.contains("lapsed"), "\(after.stdout)")
    }
}
