import Foundation
import Testing

/// The audit after issue 14: a command that writes the database and a file completes or changes
/// nothing (SPEC section 3), and a failed output is said truthfully and never audited as shown.
@Suite(.serialized) struct OutputBeforeCommitCLITests {

    @Test func payRunWithAnOutThatCannotBeWrittenStoresNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let path = cli.database
        let attempts: [([String], String)] = [
            (["pay", "run", "--month", "2026-09", "--out", path], "2026-11-23T10:00"),
            (["pay", "run", "--month", "2026-11", "--finalize", "--format", "xlsx", "--out", "/nonexistent/dir/x.xlsx"], "2026-12-02T10:00"),
            (["pay", "run", "--month", "2026-11", "--finalize", "--format", "csv", "--out", "missing/x.csv"], "2026-12-02T10:00"),
        ]
        for (command, now) in attempts {
            let before = cli.bytes(path)
            let result = try cli.run(command, now: now)
            #expect(result.status != 0, "\(command) was not refused")
            #expect(try cli.sqlite("SELECT count(*) FROM pay_run") == "0\n", "\(command) stored a pay run")
            #expect(cli.bytes(path) == before, "\(command) changed the database")
        }
        // The same run with a file it can write stores the month and writes the file.
        try cli.ok(["pay", "run", "--month", "2026-11", "--finalize", "--format", "csv", "--out", "p.csv"], now: "2026-12-02T10:00")
        #expect(try cli.sqlite("SELECT month, status FROM pay_run") == "2026-11|final\n")
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("p.csv").path))
    }

    @Test func leadsImportWithRejectsThatCannotBePutInPlaceImportsNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let path = cli.database
        let file = try cli.write("l2.csv", "phone,name\n13800138001,a\nbad,b\n")
        let leads = try cli.sqlite("SELECT count(*) FROM lead")
        for rejects in ["rr/", "missing/r.csv"] {
            let before = cli.bytes(path)
            let result = try cli.run(["leads", "import", file, "--source", "t", "--rejects", rejects])
            #expect(result.status != 0, "--rejects \(rejects) was not refused")
            #expect(try cli.sqlite("SELECT count(*) FROM lead") == leads, "--rejects \(rejects) imported leads")
            #expect(cli.bytes(path) == before, "--rejects \(rejects) changed the database")
        }
        // Then the file imports (it was never recorded as imported), with its rejects.
        try cli.ok(["leads", "import", file, "--source", "t", "--rejects", "r.csv"])
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("r.csv").path))
    }

    @Test func aFailedWriteToStdoutIsAnErrorAndIsNotAudited() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let audited = try cli.sqlite("SELECT count(*) FROM audit_log")
        for command in [["roster", "list"], ["queue", "next", "--agent", "A001", "--reveal-phones"], ["leads", "dnc", "list", "--reveal-phones"]] {
            // stdout is /dev/full: every write fails with ENOSPC.
            let result = try cli.run(["-c", "exec \"$0\" \"$@\" > /dev/full", CLI.binary.path] + command, executable: URL(fileURLWithPath: "/bin/sh"))
            #expect(result.status == 1, "\(command): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("stdout cannot be written"), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"), "\(command): \(result.stderr)")
            #expect(try cli.sqlite("SELECT count(*) FROM audit_log") == audited, "\(command) was audited although nothing was shown")
        }
    }

    @Test func outNeverLandsOnAnotherDatabasesSideFiles() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write("o3.sqlite", "")
        let wal = try cli.write("o3.sqlite-wal", bytes: [0x37, 0x7f, 0x06, 0x82] + [UInt8](repeating: 0, count: 28))
        let loose = try cli.write("loose.bin", bytes: [0x37, 0x7f, 0x06, 0x83] + [UInt8](repeating: 0, count: 28))
        let shm = try cli.write("o3.sqlite-shm", bytes: [UInt8](repeating: 0, count: 64))
        let journal = try cli.write("o3.sqlite-journal", bytes: [UInt8](repeating: 1, count: 64))
        for target in [wal, loose, shm, journal] {
            let before = cli.bytes(target)
            let result = try cli.run(["seats", "report", "--format", "csv", "--out", target])
            #expect(result.status != 0, "--out \(target) was not refused")
            #expect(cli.bytes(target) == before, "--out \(target) was written")
        }
    }
}
