import Foundation
import Testing

/// A run killed outright (`kill -9`) cannot clean up after itself: the next run that writes the
/// same file, or into the same folder, removes what dead runs left (SPEC section 12: a failed run
/// leaves no file behind but the database; README, "Files callops writes").
@Suite(.serialized) struct KilledRunLeftoversCLITests {
    let roster = "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n"

    /// The PID of a process that has ended (a `true` run to its end).
    func deadPID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func hidden(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.sorted()
    }

    @Test func aDeadImportsTemporaryRejectsFileGoesAndALiveOnesStays() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let dead = try deadPID()
        let leftover = ".rej.csv.callops-\(dead)-387825740.tmp"
        let live = ".rej.csv.callops-\(getpid())-12.tmp"
        // Not ours to touch: another name's, and a name only like ours.
        let others = [".other.csv.callops-\(dead)-1.tmp", ".rej.csv.callops-\(dead)-x.tmp"]
        for name in [leftover, live] + others { _ = try cli.write(name, "13900000001,张三\n") }
        let leads = try cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n12345,李四,40\n")
        try cli.ok(["leads", "import", leads, "--source", "v", "--rejects", "rej.csv"])
        #expect(try hidden(cli.folder) == ([live] + others).sorted(), "only the dead run's temporary file goes")
        #expect(try String(contentsOf: cli.folder.appendingPathComponent("rej.csv"), encoding: .utf8).contains("12345"))
    }

    /// A run killed under a parent that has yet to reap it is a zombie: dead for the sweep.
    @Test func aZombieRunsTemporaryFileGoesToo() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        var zombie: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&zombie, "/bin/true", nil, nil, argv, nil) == 0)
        defer { var status: Int32 = 0; waitpid(zombie, &status, 0) }
        // Ended, not yet reaped.
        var info = siginfo_t()
        #expect(waitid(P_PID, id_t(zombie), &info, WEXITED | WNOWAIT) == 0)
        let leftover = ".rej.csv.callops-\(zombie)-1.tmp"
        _ = try cli.write(leftover, "13900000001,张三\n")
        let leads = try cli.write("l.csv", "phone,name,age\n12345,李四,40\n")
        try cli.ok(["leads", "import", leads, "--source", "v", "--rejects", "rej.csv"])
        #expect(try hidden(cli.folder).isEmpty)
    }

    /// A backup killed outright left its unfinished copy (every number) and its journal.
    @Test func aDeadBackupsUnfinishedCopyGoesWithTheNextBackupOfThatName() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", roster)])
        let dead = try deadPID()
        for side in ["", "-journal"] { _ = try cli.write(".copy.sqlite.callops-\(dead).tmp\(side)", "13900000001\n") }
        try cli.ok(["backup", "copy.sqlite"])
        #expect(try hidden(cli.folder).isEmpty)
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("copy.sqlite").path))
    }

    /// A kept earlier file (`.old`) of a dead run: put back where nothing stands in its place,
    /// removed where a file does.
    @Test func aDeadRunsKeptEarlierFileReturnsOnlyWhereItsPlaceIsEmpty() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", roster)])
        let dead = try deadPID()
        // pay.csv is gone: its kept copy returns, then the run replaces it as any run would.
        _ = try cli.write(".pay.csv.callops-\(dead)-5.tmp.old", "last month's\n")
        try cli.ok(["pay", "run", "--month", "2026-10", "--format", "csv", "--out", "pay.csv"])
        #expect(try hidden(cli.folder).filter { $0.contains("callops-") }.isEmpty)
        #expect(try String(contentsOf: cli.folder.appendingPathComponent("pay.csv"), encoding: .utf8).contains("A001"))
        // A symbolic link of our pattern is never followed or removed.
        let link = cli.folder.appendingPathComponent(".pay.csv.callops-\(dead)-6.tmp")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: cli.folder.appendingPathComponent("r.csv").path)
        try cli.ok(["pay", "run", "--month", "2026-10", "--format", "csv", "--out", "pay.csv"])
        #expect(try hidden(cli.folder) == [link.lastPathComponent])
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("r.csv").path))
    }

    /// `daily` killed once its files are staged: no final folder is made yet, the database is as
    /// it was; the next run removes the staging folder (a live run's stays).
    @Test func aKilledDailyLeavesOnlyItsStagingAndTheNextRunSweepsIt() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", roster)])
        let night = cli.folder.appendingPathComponent("night")
        let killed = try cli.run(["daily", "--out", night.path], environment: ["CALLOPS_FAULT": "daily.staged"])
        #expect(killed.status == SIGKILL, "not killed at the fault point: \(killed.status) \(killed.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: night.path)
        #expect(left.count == 1 && left.allSatisfy { $0.hasPrefix(".daily-staging-") }, "\(left)")
        // One more of a dead run, and one of a live run (this test's own PID).
        let dead = night.appendingPathComponent(".daily-staging-\(try deadPID())/new/queues")
        let live = night.appendingPathComponent(".daily-staging-\(getpid())")
        for folder in [dead, live] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try "13900000001\n".write(to: dead.appendingPathComponent("A001.csv"), atomically: false, encoding: .utf8)
        try cli.ok(["daily", "--out", night.path])
        #expect(try hidden(night) == [live.lastPathComponent])
        #expect(FileManager.default.fileExists(atPath: night.appendingPathComponent("queues/A001.csv").path))
    }

    /// A daily killed while moving its files: an earlier file it had moved aside returns where
    /// nothing stands; one whose place holds a file goes with the staging folder.
    @Test func aDeadDailysEarlierFilesReturnWhereTheirPlaceIsEmpty() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let night = cli.folder.appendingPathComponent("night")
        let old = night.appendingPathComponent(".daily-staging-\(try deadPID())/old/reports")
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: night.appendingPathComponent("reports"), withIntermediateDirectories: true)
        try "kept\n".write(to: old.appendingPathComponent("mine.csv"), atomically: false, encoding: .utf8)
        try "kept\n".write(to: old.appendingPathComponent("theirs.csv"), atomically: false, encoding: .utf8)
        try "standing\n".write(to: night.appendingPathComponent("reports/theirs.csv"), atomically: false, encoding: .utf8)
        try cli.ok(["roster", "import", cli.write("r.csv", roster)])
        try cli.ok(["daily", "--out", night.path])
        #expect(try hidden(night).isEmpty)
        #expect(try String(contentsOf: night.appendingPathComponent("reports/mine.csv"), encoding: .utf8) == "kept\n")
        #expect(try String(contentsOf: night.appendingPathComponent("reports/theirs.csv"), encoding: .utf8) == "standing\n")
    }
}
