import Foundation
import Testing

/// Planning's campaigns and sizing from the command line.
@Suite(.serialized) struct PlanCLITests {
    @Test func campaignsAndSizing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\nA002,李娜,二组,2024-03-01,general\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"], now: "2026-11-01T09:00")
        _ = try cli.run(["leads", "allocate", "--seed", "1"], now: "2026-11-01T09:00")
        let lead = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "A001", "--format", "json"], now: "2026-11-02T10:00")) as? [[String: Any]]).first?["lead_id"] as? Int
        let sold = try cli.run(["sales", "record", "--lead", String(lead ?? 0), "--agent", "A001", "--product", "ACC01", "--premium", "12000"], now: "2026-11-02T10:30")
        #expect(sold.status == 0, "\(sold.stderr)")
        let added = try cli.run(["plan", "campaign", "add", "NOV", "--name", "十一月冲刺", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-30",
                                 "--tier", "10000:300", "20000:800"])
        #expect(added.status == 0, "\(added.stderr)")
        let badTier = try cli.run(["plan", "campaign", "add", "X", "--name", "x", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-30", "--tier", "abc"])
        #expect(badTier.status != 0 && badTier.stderr.contains("--tier"))
        let standings = try #require(try CLI.json(cli.run(["plan", "campaign", "standings", "NOV", "--format", "json"], now: "2026-11-20T10:00")) as? [String: Any])
        let rows = try #require(standings["standings"] as? [[String: Any]])
        #expect(rows.map { $0["agent_code"] as? String } == ["A001", "A002"] && rows[0]["tier"] as? Int == 1 && rows[0]["reward"] as? Double == 300)
        #expect(rows[1]["rank"] as? Int == 2 && rows[1]["to_next_tier"] as? Double == 10_000 && standings["rewards"] as? Double == 300)
        let sizing = try #require(try CLI.json(cli.run(["plan", "sizing", "--class", "存量=1200:4", "--class", "新客=3000:6", "--contacts-per-agent-year", "10000",
                                                        "--target-sales", "2", "--leads-per-sale", "25", "--format", "json"])) as? [String: Any])
        #expect(sizing["seats"] as? Int == 3 && sizing["leads_per_month"] as? Int == 50 && sizing["yearly_contacts"] as? Double == 22_800)
        // Without the numbers given: contacts are observed (none yet here), leads per sale from the batches.
        let unobserved = try cli.run(["plan", "sizing", "--class", "存量=1200:4", "--target-sales", "2"], now: "2026-11-20T10:00")
        #expect(unobserved.status != 0 && unobserved.stderr.contains("--contacts-per-agent-year"))
        let observed = try cli.run(["plan", "sizing", "--class", "存量=1200:4", "--target-sales", "2", "--contacts-per-agent-year", "5000"], now: "2026-11-20T10:00")
        #expect(observed.stdout.contains("seats needed: 1") && observed.stdout.contains("leads to buy a month for 2 sales: 4"), "\(observed.stdout)")
    }
}
