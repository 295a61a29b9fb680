import Foundation
import Testing

/// The seat report's conversion (SPEC section 8): an outside audit found the agent row dividing
/// policies by leads worked (200% for one household that bought twice) and the agent and class
/// views disagreeing on the leads worked of a lead called in one month and sold in the next.
/// One definition everywhere: distinct leads sold / leads worked, a lead worked being one called
/// or sold in the period.
@Suite(.serialized) struct SeatConversionCLITests {
    func roster(_ cli: CLI, agents: String = "A1,甲,一组,2026-01-05\n") throws {
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\n" + agents)], now: "2026-10-01T09:00")
    }

    func leads(_ cli: CLI, count: Int, first: Int = 1, team: String = "一组", now: String) throws {
        let rows = (first..<(first + count)).map { "1390000000\($0),客户\($0),30" }.joined(separator: "\n")
        try cli.ok(["leads", "import", cli.write("l\(team).csv", "phone,name,age\n" + rows + "\n"), "--source", "v"], now: now)
        try cli.ok(["leads", "allocate", "--seed", "1", "--team", team], now: now)
    }

    func agentRow(_ cli: CLI, by: [String] = [], now: String = "2026-12-01T09:00") throws -> [String: Any] {
        let report = try #require(try CLI.json(cli.ok(["seats", "report", "--month", "2026-11", "--compare", "none", "--format", "json"] + by,
                                                      now: now)) as? [String: Any])
        return try #require((report["agents"] as? [[String: Any]])?.first, "\(report)")
    }

    /// Case 1: one lead called, two policies sold to its household (cross-sell): 1 lead sold of 1 worked.
    @Test func aHouseholdThatBuysTwiceIsOneLeadSold() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try roster(cli)
        try leads(cli, count: 1, now: "2026-11-02T09:00")
        try cli.ok(["calls", "log", "--agent", "A1", "--lead", "1", "--disposition", "interested", "--talk-seconds", "240"], now: "2026-11-02T10:00")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A1", "--product", "ACC01", "--premium", "600"], now: "2026-11-03T10:00")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A1", "--product", "ACC01", "--premium", "500", "--insured", "spouse",
                    "--insured-age", "30"], now: "2026-11-03T10:05")
        let a1 = try agentRow(cli)
        #expect(a1["leads_worked"] as? Int == 1 && a1["sales"] as? Int == 2, "\(a1)")
        #expect(a1["conversion_rate"] as? Double == 1, "\(a1)")
        // The table's agent and total rows, and the page, say 100%, never 200%.
        let table = try cli.ok(["seats", "report", "--month", "2026-11", "--compare", "none"], now: "2026-12-01T09:00").stdout
        #expect(!table.contains("200.0%") && table.contains("100.0%"), "\(table)")
        let html = try cli.ok(["seats", "report", "--month", "2026-11", "--compare", "none", "--format", "html"], now: "2026-12-01T09:00").stdout
        #expect(!html.contains("200.0%"), "\(html.suffix(3000))")
    }

    /// Case 2: called on 28 October, sold on 3 November with no November call: worked in November
    /// in both the agent view and the class view.
    @Test func aLeadSoldWithoutACallInThePeriodIsWorkedInBothViews() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try roster(cli)
        try leads(cli, count: 1, now: "2026-10-27T09:00")
        try cli.ok(["calls", "log", "--agent", "A1", "--lead", "1", "--disposition", "interested", "--talk-seconds", "240"], now: "2026-10-28T10:00")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A1", "--product", "ACC01", "--premium", "600"], now: "2026-11-03T10:00")
        let a1 = try agentRow(cli)
        #expect(a1["leads_worked"] as? Int == 1 && a1["sales"] as? Int == 1 && a1["conversion_rate"] as? Double == 1, "\(a1)")
        let report = try #require(try CLI.json(cli.ok(["seats", "report", "--month", "2026-11", "--compare", "none", "--by", "class",
                                                       "--format", "json"], now: "2026-12-01T09:00")) as? [String: Any])
        let total = try #require(report["class_total"] as? [String: Any], "\(report)")
        #expect(total["leads_worked"] as? Int == 1 && total["leads_sold"] as? Int == 1 && total["conversion_rate"] as? Double == 1, "\(total)")
        // A period not anchored on the month's first day counts the same way.
        let week = try #require(try CLI.json(cli.ok(["seats", "report", "--from", "2026-11-02", "--to", "2026-11-06", "--compare", "none",
                                                     "--format", "json"], now: "2026-12-01T09:00")) as? [String: Any])
        let row = try #require((week["agents"] as? [[String: Any]])?.first)
        #expect(row["leads_worked"] as? Int == 1 && row["conversion_rate"] as? Double == 1, "\(row)")
    }

    /// The center row sums the agents' counts: A1 sells 2 policies on 1 of 1 lead, B1 of another
    /// team calls 2 leads and sells none: 1 / 3, not the average of 100% and 0%.
    @Test func theCenterRowIsLeadsSoldOverLeadsWorkedSummed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try roster(cli, agents: "A1,甲,一组,2026-01-05\nB1,乙,二组,2026-01-05\n")
        try leads(cli, count: 1, now: "2026-11-02T09:00")
        try leads(cli, count: 2, first: 2, team: "二组", now: "2026-11-02T09:10")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A1", "--product", "ACC01", "--premium", "600"], now: "2026-11-03T10:00")
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A1", "--product", "ACC01", "--premium", "500", "--insured", "spouse",
                    "--insured-age", "30"], now: "2026-11-03T10:05")
        try cli.ok(["calls", "log", "--agent", "B1", "--lead", "2", "--disposition", "no_answer", "--talk-seconds", "0"], now: "2026-11-04T10:00")
        try cli.ok(["calls", "log", "--agent", "B1", "--lead", "3", "--disposition", "no_answer", "--talk-seconds", "0"], now: "2026-11-04T10:05")
        let report = try #require(try CLI.json(cli.ok(["seats", "report", "--month", "2026-11", "--compare", "none", "--format", "json"],
                                                      now: "2026-12-01T09:00")) as? [String: Any])
        let agents = try #require(report["agents"] as? [[String: Any]])
        let a1 = try #require(agents.first { $0["agent_code"] as? String == "A1" }), b1 = try #require(agents.first { $0["agent_code"] as? String == "B1" })
        #expect(a1["leads_worked"] as? Int == 1 && a1["conversion_rate"] as? Double == 1, "\(a1)")
        #expect(b1["leads_worked"] as? Int == 2 && b1["conversion_rate"] as? Double == 0, "\(b1)")
        let table = try cli.ok(["seats", "report", "--month", "2026-11", "--compare", "none"], now: "2026-12-01T09:00").stdout
        let center = try #require(table.split(separator: "\n").first { $0.hasPrefix("center") }, "\(table)")
        #expect(center.contains("33.3%") && !center.contains("50.0%"), "\(center)")
    }
}
