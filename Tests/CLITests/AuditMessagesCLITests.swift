import Foundation
import Testing

/// An outside audit of issue 14's messages (SPEC sections 3 and 12), end to end on the built
/// binary: each names the line, key, header, table and column at fault, in plain words.
@Suite(.serialized) struct AuditMessagesCLITests {
    @Test func configErrorsNameTheLineAndKey() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let nan = try cli.run(["config", "check", "--config", cli.write("cf.toml", "[tiers.weights]\ncore = nan\n")])
        #expect(nan.status != 0 && nan.stderr.contains("cf.toml:2: `tiers.weights.core`: is not a finite number (nan or inf)"), "\(nan.stderr)")
        let inArray = try cli.run(["config", "check", "--config", cli.write("ca.toml", "# a comment with nan\n[leads]\nname = \"inf\"\nrecycle_idle_days = [1, -inf]\n")])
        #expect(inArray.stderr.contains("ca.toml:4: `leads.recycle_idle_days`: is not a finite number"), "\(inArray.stderr)")
        let big = try cli.run(["config", "check", "--config", cli.write("big.toml", "[leads]\nrecycle_idle_days = " + String(repeating: "9", count: 5_000) + "\n")])
        #expect(big.status != 0 && big.stderr.contains("big.toml:2: `leads.recycle_idle_days`: is a number too long to read"), "\(big.stderr)")
        #expect(!big.stderr.contains("Error while parsing"), "\(big.stderr)")
    }

    @Test func aDoNotCallFileNamesTheFieldByItsHeader() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let file = try cli.write("dn.csv", "phone,note\n13900000001," + String(repeating: "x", count: 2_000) + "\n")
        let result = try cli.run(["leads", "dnc", "add", "--file", file])
        #expect(result.status == 1 && result.stderr.contains("dn.csv:2: note: has 2000 characters; at most 1000"), "\(result.stderr)")
    }

    @Test func aBadStoredPremiumReadThroughASumNamesItsRow() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13900000001,张三,30\n")
        #expect(try cli.sqlite("UPDATE policy SET premium_fen = 1e30, sold_at = '2026-11-20T10:00:00' WHERE id = 1").isEmpty)
        // The last 30 days' premium per agent, a SUM(CASE WHEN sold_at >= ? ... THEN premium_fen ...).
        let result = try cli.run(["training", "report", "--regularization"])
        #expect(result.status == 1 && result.stderr.contains("policy row 1, column premium_fen: \"1e+30\" is not an integer"), "\(result.stderr)")
        #expect(!result.stderr.contains("SUM(") && !result.stderr.contains("row ?"), "\(result.stderr)")
        // The seat report's guard over the policies it sums names the same row first.
        let guarded = try cli.run(["seats", "report", "--month", "2026-11"])
        #expect(guarded.status == 1 && guarded.stderr.contains("policy row 1, column premium_fen"), "\(guarded.stderr)")
        // With the policy whole again, the per-agent-day aggregate damaged on its own is named by its key.
        #expect(try cli.sqlite("UPDATE policy SET premium_fen = 100 WHERE id = 1; UPDATE activity_day SET premium_fen = 1e30 WHERE day = '2026-11-20' AND agent_id = 1").isEmpty)
        let seats = try cli.run(["seats", "report", "--month", "2026-11"])
        #expect(seats.status == 1 && seats.stderr.contains("activity_day row (day 2026-11-20, agent_id 1), column premium_fen: \"1e+30\""), "\(seats.stderr)")
    }

    @Test func longFileNamesAreCutInTheMiddleKeepingTheReason() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for length in [300, 5_000] {
            let name = String(repeating: "a", count: length) + "-tail.csv"
            let result = try cli.run(["leads", "import", name, "--source", "s"])
            let line = result.stderr.trimmingCharacters(in: .newlines)
            #expect(result.status == 1 && line.hasSuffix("-tail.csv: cannot be read (missing, or no permission); nothing was changed"), "\(line)")
            #expect(line.count < 200 && line.contains("…"), "\(line.count): \(line)")
        }
    }

    /// A file imported through a symbolic link is the same file when imported by its own path
    /// (the link's own size was stored, and the import went ahead as a new batch); a pipe is
    /// refused by name (its rows went to the fingerprint, and the import said "no phone column").
    @Test func aLinkIsItsFileAndAPipeIsRefused() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let file = try cli.write("leads.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,41\n")
        let link = cli.folder.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
        #expect(try cli.run(["leads", "import", link, "--source", "s"]).status == 0)
        #expect(try cli.sqlite("SELECT file_bytes FROM lead_batch") == "59\n")
        let again = try cli.run(["leads", "import", file, "--source", "s"])
        #expect(again.status != 0 && again.stderr.contains("was already imported as batch 1"), "\(again.stderr)")
        let piped = try cli.run(["-c", "cat \(file) | \(CLI.binary.path) leads import /dev/stdin --source s"], executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(piped.status == 1 && piped.stderr.contains("/dev/stdin: is not a regular file (a pipe, a device or a folder)"), "\(piped.stderr)")
        #expect(piped.stderr.contains("nothing was changed"), "\(piped.stderr)")
        #expect(try cli.sqlite("SELECT COUNT(*) FROM lead_batch") == "1\n")
    }

    @Test func anAmountOutOfRangeNamesTheLimitAndTheDecimals() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for amount in ["200000000", "0.001"] {
            let result = try cli.run(["renewals", "collect", "--policy", "1", "--amount", amount])
            #expect(result.status != 0 && result.stderr.contains("up to 100,000,000 with at most 2 decimals"), "\(amount): \(result.stderr)")
        }
    }

    @Test(.enabled(if: FailureLeavesNothingCLITests.canMount, "needs root to mount a small tmpfs as a full disk"))
    func dailyOnAFullDiskSaysSoAndNamesTheFilesPlace() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let small = try FailureLeavesNothingCLITests.mountSmallDisk(under: cli.folder, size: "64k")
        defer { FailureLeavesNothingCLITests.shell("/bin/umount", [small.path]) }
        try FailureLeavesNothingCLITests.fill(small)
        let night = small.appendingPathComponent("night").path
        let result = try cli.run(["daily", "--out", night])
        #expect(result.status == 1, "\(result.stderr)")
        // The place the file was going to (cut in the middle, as every long path), not the staging folder.
        #expect(result.stderr.contains("/small/night/queues/A001.csv: cannot be written: the disk is full; free some space and run the command again; nothing was changed"),
                "\(result.stderr)")
        #expect(!result.stderr.contains(".daily-staging"), "\(result.stderr)")
    }
}
