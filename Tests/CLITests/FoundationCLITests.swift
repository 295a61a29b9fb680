import Foundation
import Testing

/// The foundation end to end: the built binary on real files.
@Suite(.serialized) struct FoundationCLITests {
    let roster = """
        agent_code,name,team,hire_date,tier,status,seat
        A001,张伟,一组,2024-03-01,top,active,A-01
        A002,李娜,一组,2026-11-10,,probation,A-02
        A003,王芳,二组,2025-06-15,,active,B-01
        """

    @Test func helpListsTheCommandGroups() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["--help"])
        #expect(result.status == 0)
        for group in ["init", "config", "roster", "demo", "backup", "check"] {
            #expect(result.stdout.contains("  \(group) "), "--help lacks \(group)")
        }
    }

    @Test func initIsIdempotent() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let first = try cli.run(["init"])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try cli.run(["init"])
        #expect(second.status == 0 && second.stdout == first.stdout)
    }

    @Test func rosterImportAndListInEveryFormat() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write("roster.csv", roster)
        let imported = try cli.run(["roster", "import", "roster.csv", "--format", "json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["added"] as? Int == 3 && summary["teams_created"] as? Int == 2)

        let table = try cli.run(["roster", "list"])
        #expect(table.stdout.contains("张伟") && table.stdout.contains("3 agents; seats 3/3 occupied"))

        let json = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json", "--team", "一组"])) as? [[String: Any]])
        #expect(json.map { $0["agent_code"] as? String } == ["A001", "A002"])
        #expect(json[1]["tier"] as? String == "new")

        let csv = try cli.run(["roster", "list", "--format", "csv"])
        // CSV on stdout is data: the JSON keys as the header, no BOM.
        let header = csv.stdout.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
        #expect(Set(header) == Set(json[0].keys) && !csv.stdout.hasPrefix("\u{FEFF}"), "\(csv.stdout)")
        #expect(csv.stdout.split(separator: "\n").count == 4)

        // Global options may stand before the command too.
        let before = try cli.run(["--db", cli.folder.appendingPathComponent("test.sqlite").path, "roster", "list", "--format", "json"])
        let beforeList = try CLI.json(before) as? [Any]
        #expect(before.status == 0 && beforeList?.count == 3)
    }

    @Test func aBadRosterIsRefusedWithLineAndFieldAndChangesNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write("roster.csv", roster)
        _ = try cli.run(["roster", "import", "roster.csv"])
        try cli.write("bad.csv", "agent_code,name,team,hire_date,status\nA004,赵强,二组,2026-11-01,active\nA005,钱多,二组,2026-11-31,active\n")
        let result = try cli.run(["roster", "import", "bad.csv"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.csv:3: hire_date: \"2026-11-31\" is not a real date"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let list = try CLI.json(cli.run(["roster", "list", "--format", "json"])) as? [Any]
        #expect(list?.count == 3)
    }

    @Test func configCheckShowsSettingsOrNamesTheFault() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let defaults = try cli.run(["config", "check"])
        #expect(defaults.status == 0 && defaults.stdout.contains("cadence.intervals") && defaults.stdout.contains("[1,2,3,5,7]"))
        try cli.write("mine.toml", "[cadence]\nintervals = [1, 2]\n\n[leads]\nmax_agee = 70\n")
        let bad = try cli.run(["config", "check", "--config", "mine.toml"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("mine.toml:5: `leads.max_agee`: unknown key"), "\(bad.stderr)")
        let shipped = try cli.run(["config", "check", "--config", CLI.packageRoot.appendingPathComponent("Config/callops.toml").path, "--format", "json"])
        let json = try #require(try CLI.json(shipped) as? [String: Any])
        #expect((json["cadence"] as? [String: Any])?["intervals"] as? [Int] == [1, 2, 3, 5, 7])
    }

    @Test func aBadClockIsRefused() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["init"], now: "2026-11-31T10:00")
        #expect(result.status != 0 && result.stderr.contains("--now"))
    }

    @Test func backupAndCheck() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write("roster.csv", roster)
        _ = try cli.run(["roster", "import", "roster.csv"])
        let backup = try cli.run(["backup", "copy.sqlite"])
        #expect(backup.status == 0, "\(backup.stderr)")
        let check = try cli.run(["check", "--db", cli.folder.appendingPathComponent("copy.sqlite").path])
        #expect(check.status == 0 && check.stdout.hasPrefix("ok"), "\(check.stderr)")
        try cli.write("junk.sqlite", String(repeating: "not a database ", count: 500))
        let junk = try cli.run(["check", "--db", cli.folder.appendingPathComponent("junk.sqlite").path])
        #expect(junk.status != 0 && junk.stderr.contains("not a readable callops database"))
    }

    @Test func demoBuildsACenter() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(["demo", "--db", "demo.sqlite", "--agents", "12", "--leads", "400", "--days", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("12 agents"))
        // A second demo replaces the first; the demo refuses to replace anything else.
        #expect(try cli.run(["demo", "--db", "demo.sqlite", "--agents", "12", "--leads", "100", "--days", "2"]).status == 0)
        _ = try cli.run(["init", "--db", "mine.sqlite"])
        let refused = try cli.run(["demo", "--db", "mine.sqlite"])
        #expect(refused.status != 0 && refused.stderr.contains("not made by the demo"))
    }
}
