import Foundation
import Testing

/// The outside audit of pay over time (issue 12), through the built binary: a campaign paid by
/// its standings on its last day, a draft ranked as the final run will be, and tables whose
/// columns show every line kind and the roster's role and leaving day.
@Suite(.serialized) struct PayOverTimeAuditCLITests {
    /// A1 and A2 of 一组 (and N9, hired after October); A1 sells 6,000 of premium on 6 October,
    /// when the OCT campaign's top tier pays 800.
    private func octoberCampaign(_ cli: CLI) throws {
        try cli.ok(["roster", "import", cli.write("r1.csv", "agent_code,name,team,hire_date\nA1,张伟,一组,2026-01-05\n")], now: "2026-10-01T09:00")
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"], now: "2026-10-01T09:00")
        try cli.ok(["leads", "allocate", "--seed", "1"], now: "2026-10-01T09:00")
        try cli.ok(["roster", "import", cli.write("r2.csv", "agent_code,name,team,hire_date\nA2,李娜,一组,2026-01-05\nN9,王强,一组,2026-11-10\n")],
                   now: "2026-10-01T09:30")
        try cli.ok(["plan", "campaign", "add", "OCT", "--name", "十月", "--metric", "premium", "--from", "2026-10-01", "--to", "2026-10-31",
                    "--tier", "500:100", "5000:800"], now: "2026-10-01T10:00")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A1", "--product", "ACC01", "--premium", "6000"], now: "2026-10-06T10:00")
    }

    private func lines(_ run: CLI.Result, _ code: String) throws -> [[String: Any]] {
        let json = try #require(try CLI.json(run) as? [String: Any])
        let statement = (json["statements"] as? [[String: Any]] ?? []).first { $0["agent_code"] as? String == code }
        return statement?["lines"] as? [[String: Any]] ?? []
    }

    /// Audit defect 1: A1 won OCT employed on its last day; leaving on 20 November took the 800
    /// back as a -800 adjustment (October final) or dropped it (October a draft), and the
    /// standings lost A1 and gained N9, hired after October.
    @Test func aCampaignRewardStaysWithTheWinnerWhoLeavesLater() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try octoberCampaign(cli)
        let october = try cli.ok(["pay", "run", "--month", "2026-10", "--finalize", "--format", "json"], now: "2026-11-02T10:00")
        #expect(try lines(october, "A1").filter { $0["kind"] as? String == "campaign" }.map { $0["amount"] as? Double } == [800])
        try cli.ok(["roster", "leave", "--agent", "A1", "--date", "2026-11-20"], now: "2026-11-20T10:00")
        let november = try cli.ok(["pay", "run", "--month", "2026-11", "--format", "json"], now: "2026-11-25T10:00")
        let adjustments = try lines(november, "A1").filter { $0["kind"] as? String == "adjustment" }
        #expect(adjustments.isEmpty, "\(adjustments)")
        let standings = try #require(try CLI.json(cli.ok(["plan", "campaign", "standings", "OCT", "--format", "json"], now: "2026-11-25T10:00")) as? [String: Any])
        let rows = (standings["standings"] as? [[String: Any]] ?? []).map { "\($0["rank"] as? Int ?? 0) \($0["agent_code"] as? String ?? "") \($0["reward"] as? Double ?? -1)" }
        #expect(rows == ["1 A1 800.0", "2 A2 0.0"], "\(rows)")
    }

    /// The same departure with October still a draft: running October again keeps the 800.
    @Test func aDraftMonthRunAgainAfterTheWinnerLeftStillPaysTheReward() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try octoberCampaign(cli)
        try cli.ok(["pay", "run", "--month", "2026-10"], now: "2026-11-02T10:00")
        try cli.ok(["roster", "leave", "--agent", "A1", "--date", "2026-11-20"], now: "2026-11-20T10:00")
        let again = try cli.ok(["pay", "run", "--month", "2026-10", "--format", "json"], now: "2026-11-21T10:00")
        #expect(try lines(again, "A1").filter { $0["kind"] as? String == "campaign" }.map { $0["amount"] as? Double } == [800])
    }

    /// Audit defect 3: N1, hired 10 November, is `new` on 5 December and `general` from the
    /// 10th; on 31 December, the day the month is ranked on, general. A draft on the 5th paid
    /// the new hire's 3,000; now every run of December pays 3,500, and the tier history holds
    /// December's tier only as of a day that has come.
    @Test func aDraftEarlyInTheMonthPaysTheBaseTheFinalRunWill() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nN1,新人,Y组,2026-11-10\n")], now: "2026-11-01T09:00")
        var paid: [String] = []
        for now in ["2026-12-05T10:00", "2026-12-15T10:00", "2027-01-05T10:00"] {
            let run = try cli.ok(["pay", "run", "--month", "2026-12", "--format", "json"], now: now)
            let json = try #require(try CLI.json(run) as? [String: Any])
            let statement = (json["statements"] as? [[String: Any]] ?? []).first { $0["agent_code"] as? String == "N1" }
            let base = try lines(run, "N1").filter { $0["kind"] as? String == "base" }.compactMap { $0["amount"] as? Double }
            let slip = try cli.ok(["pay", "slip", "--agent", "N1", "--month", "2026-12"], now: now)
            #expect(slip.stdout.contains("rank general as of 2026-12-31"), "\(slip.stdout)")
            paid.append("\(statement?["tier"] as? String ?? "-") \(base)")
            if now.hasPrefix("2026-12-05") {
                #expect(try cli.sqlite("SELECT as_of FROM tier_history WHERE month = '2026-12'") == "2026-12-05\n")
                // roster list shows today's tier: still in the first 30 days.
                let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
                #expect(roster.first?["tier"] as? String == "new")
            }
        }
        #expect(paid == ["general [3500.0]", "general [3500.0]", "general [3500.0]"], "\(paid)")
        #expect(try cli.sqlite("SELECT MAX(as_of) FROM tier_history") == "2026-12-31\n")
    }

    /// Audit defect 8: the table had no `campaign` or `override` column, so a lead's row and a
    /// campaign winner's did not add up to their totals.
    @Test func thePayRunTableAddsUpToItsTotals() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,role\nA2,李娜,一组,2025-01-05,\n")], now: "2026-11-01T09:00")
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"], now: "2026-11-01T09:00")
        try cli.ok(["leads", "allocate", "--seed", "1"], now: "2026-11-01T09:00")
        try cli.ok(["roster", "import", cli.write("r2.csv", "agent_code,name,team,hire_date,role\nL1,陈静,一组,2025-01-05,lead\n")], now: "2026-11-01T09:30")
        try cli.ok(["plan", "campaign", "add", "NOV", "--name", "十一月", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-30",
                    "--tier", "1000:50"], now: "2026-11-01T10:00")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A2", "--product", "ACC01", "--premium", "2000"], now: "2026-11-03T10:00")
        let table = try cli.ok(["pay", "run", "--month", "2026-11"], now: "2026-12-02T10:00").stdout
        let header = table.split(separator: "\n").first { $0.hasPrefix("agent") }.map { $0.split(separator: " ", omittingEmptySubsequences: true) } ?? []
        #expect(header.contains("campaign") && header.contains("override"), "\(table)")
        func money(_ text: Substring) -> Double { Double(text.replacingOccurrences(of: ",", with: "")) ?? .nan }
        var checked: [String: (override: Double, campaign: Double)] = [:]
        for row in table.split(separator: "\n") where row.hasPrefix("A2 ") || row.hasPrefix("L1 ") {
            // agent name team rank, then base … adjust, total, variable.
            let cells = row.split(separator: " ", omittingEmptySubsequences: true)
            let amounts = cells.dropFirst(4).dropLast(2).map(money)
            #expect(amounts.count == 8 && abs(amounts.reduce(0, +) - money(cells[cells.count - 2])) < 0.001, "\(row)")
            checked[String(cells[0])] = (amounts[6], amounts[5])
        }
        #expect(checked["L1"]?.override == 35 && checked["A2"]?.campaign == 50, "\(table)")
        // The CSV and the JSON carry the same sums, keyed by the line kinds of SPEC section 13.
        let csv = try cli.ok(["pay", "run", "--month", "2026-11", "--format", "csv"], now: "2026-12-02T10:00").stdout
        #expect(csv.contains("\nL1,陈静,一组,general,3500.00,0.00,0.00,0.00,0.00,0.00,35.00,0.00,3535.00,"), "\(csv)")
        let json = try #require(try CLI.json(cli.ok(["pay", "run", "--month", "2026-11", "--format", "json"], now: "2026-12-02T10:00")) as? [String: Any])
        let a2 = (json["statements"] as? [[String: Any]] ?? []).first { $0["agent_code"] as? String == "A2" }
        #expect(a2?["campaign"] as? Double == 50 && a2?["override"] as? Double == 0 && a2?["total"] as? Double == 4_550, "\(a2 ?? [:])")
    }

    /// Audit defect 9: `roster list` showed neither `role` nor `left_on` in its table.
    @Test func theRosterTableShowsRoleAndLeavingDay() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,role\nL1,陈静,一组,2025-01-05,lead\nA2,李娜,一组,2025-01-05,\n")],
                   now: "2026-11-01T09:00")
        try cli.ok(["roster", "leave", "--agent", "A2", "--date", "2026-11-18"], now: "2026-11-20T10:00")
        let table = try cli.ok(["roster", "list"], now: "2026-11-20T10:00").stdout
        let rows = table.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        let header = try #require(rows.first { $0.first == "agent" })
        let role = try #require(header.firstIndex(of: "role")), left = try #require(header.firstIndex(of: "left"))
        #expect(header[left + 1] == "on")
        let l1 = try #require(rows.first { $0.first == "L1" }), a2 = try #require(rows.first { $0.first == "A2" })
        #expect(l1[role] == "lead" && a2[role] == "agent", "\(table)")
        #expect(a2[left] == "2026-11-18" && l1[left] == "-", "\(table)")
        let csv = try cli.ok(["roster", "list", "--format", "csv"], now: "2026-11-20T10:00").stdout
        #expect(csv.hasPrefix("agent_code,name,team,role,") && csv.contains(",2026-11-18,"), "\(csv)")
    }
}
