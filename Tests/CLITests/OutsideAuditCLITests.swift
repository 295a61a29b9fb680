import Foundation
import Testing

/// The outside audit of the release binary: outputs named as a database's side files, leads
/// stats of a missing batch, check's quoting, roster tier ranges, amounts with too many decimals.
@Suite(.serialized) struct OutsideAuditCLITests {

    /// Runs the sqlite3 shell on `file` in the test folder.
    private func shell(_ cli: CLI, _ file: String, _ sql: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [cli.folder.appendingPathComponent(file).path, sql]
        process.currentDirectoryURL = cli.folder
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            + String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func dailyOutNamedAsADatabasesSideFileIsRefused() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        _ = try shell(cli, "other.sqlite", "create table t(x); insert into t values(1);")
        for out in ["test.sqlite-journal", "test.sqlite-wal", "test.sqlite-journal/sub", "other.sqlite-wal", "other.sqlite-journal/"] {
            let result = try cli.run(["daily", "--out", out])
            #expect(result.status != 0, "daily --out \(out) was not refused")
            #expect(result.stderr.contains("file of"), "\(out): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(out): \(result.stderr)")
            let folder = out.split(separator: "/").first.map(String.init) ?? out
            #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent(folder).path), "\(out) was made")
        }
        try cli.ok(["roster", "list"])
        #expect(try shell(cli, "other.sqlite", "select x from t;").1 == "1\n")
    }

    @Test func outputsNamedAsAnotherDatabasesAbsentSideFileAreRefused() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        _ = try shell(cli, "o2.sqlite", "pragma journal_mode=wal; create table t(x); insert into t values(1);")
        _ = try shell(cli, "o3.sqlite", "create table t(x); insert into t values(1);")
        #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("o2.sqlite-wal").path))
        let leads = try cli.write("l2.csv", "phone,name\n13800138001,a\nbad,b\n")
        let commands: [[String]] = [
            ["backup", "o2.sqlite-wal"], ["backup", "o3.sqlite-journal"], ["backup", "o2.sqlite-shm"],
            ["seats", "report", "--format", "html", "--out", "o2.sqlite-wal"],
            ["seats", "report", "--format", "html", "--out", "o2.sqlite-shm"],
            ["leads", "stats", "--format", "csv", "--out", "o3.sqlite-journal"],
            ["leads", "import", leads, "--source", "t", "--rejects", "o3.sqlite-journal"],
        ]
        for command in commands {
            let result = try cli.run(command)
            #expect(result.status != 0, "\(command) was not refused")
            #expect(result.stderr.contains("file of the SQLite database"), "\(command): \(result.stderr)")
            for side in ["o2.sqlite-shm", "o3.sqlite-journal"] {
                #expect(!FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent(side).path), "\(command) wrote \(side)")
            }
        }
        // A name that only looks like one (no database beside it) is written.
        try cli.ok(["backup", "nothing.sqlite-wal"])
    }

    @Test func leadsStatsOfAMissingBatchSaysSo() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        for by in ["batch", "attempt", "class"] {
            let result = try cli.run(["leads", "stats", "--batch", "999", "--by", by])
            #expect(result.status != 0, "--by \(by): \(result.stdout)")
            #expect(result.stderr.contains("no batch \"999\""), "--by \(by): \(result.stderr)")
        }
        try cli.ok(["leads", "stats"])
    }

    @Test func checkCutsALongStatusOfAWonLead() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13800138001,a,30\n")
        _ = try shell(cli, "test.sqlite", "PRAGMA ignore_check_constraints=1; UPDATE lead SET status = printf('%.*c', 100000, 'x') WHERE id = 1;")
        let result = try cli.run(["check"])
        let text = result.stdout + result.stderr
        #expect(text.contains("belongs to lead 1, which is xxxx"), "\(text.prefix(2000))")
        for line in text.split(separator: "\n") {
            #expect(line.count <= 300, "\(line.count) characters: \(line.prefix(200))")
        }
    }

    @Test func rosterTierNumbersHaveARange() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let refused: [(String, String)] = [
            ("new_hire_days", "-1"), ("new_hire_days", "99999999"), ("top_min_policies", "-3"), ("top_min_policies", "0"),
            ("top_min_fyc", "-5.0"), ("core_min_fyc", "-5"), ("core_min_policies", "0"), ("probation_days", "-1"),
            ("regularization_sales_days", "0"),
        ]
        for (key, value) in refused {
            let result = try cli.run(["config", "check", "--config", cli.write("t.toml", "# tiers\n[roster]\n\(key) = \(value)\n")])
            #expect(result.status != 0, "\(key) = \(value) passed")
            #expect(result.stderr.contains("t.toml:3: `roster.\(key)`: \(value.hasSuffix(".0") ? String(value.dropLast(2)) : value) is out of range"), "\(key): \(result.stderr)")
        }
        try cli.ok(["config", "check", "--config", cli.write("ok.toml", "[roster]\nnew_hire_days = 0\ntop_min_policies = 3\ncore_min_fyc = 0\n")])
        try cli.ok(["config", "check"])
    }

    @Test func amountsWithMoreThanTwoDecimalsAreRefusedAsTyped() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13800138001,a,30\n13800138002,b,40\n")
        let sold = try cli.sqlite("SELECT count(*) FROM policy")
        let sale = try cli.run(["sales", "record", "--lead", "2", "--agent", "A001", "--product", "ACC01", "--premium", "300.123456789"])
        #expect(sale.status != 0 && sale.stderr.contains("300.123456789"), "\(sale.stderr)")
        #expect(try cli.sqlite("SELECT count(*) FROM policy") == sold)
        for amount in ["20.8300000001", "120.009"] {
            let result = try cli.run(["renewals", "collect", "--policy", "1", "--amount", amount])
            #expect(result.status != 0 && result.stderr.contains("\"\(amount)\""), "\(amount): \(result.stderr)")
        }
        let campaign = ["plan", "campaign", "add", "C1", "--name", "冲刺", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-30", "--tier"]
        let tier = try cli.run(campaign + ["100:5.123456"])
        #expect(tier.status != 0 && tier.stderr.contains("100:5.123456"), "\(tier.stderr)")
        #expect(try cli.sqlite("SELECT count(*) FROM campaign") == "0\n")
        try cli.ok(campaign + ["100:5.12"])
        try cli.ok(["sales", "record", "--lead", "2", "--agent", "A001", "--product", "ACC01", "--premium", "300.12"])
    }

    @Test func aWriterNamesTheRowAndColumnBehindACheckFailure() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        _ = try shell(cli, "test.sqlite", "PRAGMA ignore_check_constraints=1; UPDATE agent SET status = 'retired' WHERE id = 1;")
        let result = try cli.run(["pay", "run", "--month", "2026-11"])
        #expect(result.status != 0, "\(result.stdout)")
        #expect(result.stderr.contains("is damaged (agent row 1, column status"), "\(result.stderr)")
        #expect(try cli.sqlite("SELECT count(*) FROM pay_run") == "0\n")
    }
}
