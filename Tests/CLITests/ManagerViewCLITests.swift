import Foundation
import Testing

/// The manager's view of `seats report` through the built binary (SPEC section 8, issue 11).
@Suite(.serialized) struct ManagerViewCLITests {
    @Test func attainmentComparisonTiersAndRefusals() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier,seat\nA001,张伟,一组,2024-03-01,core,S1\nA002,李娜,二组,2025-03-01,general,S2\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone\n13900000001\n13900000002\n13900000003\n"), "--source", "v"], now: "2026-10-02T08:00")
        _ = try cli.run(["leads", "allocate", "--seed", "2"], now: "2026-10-02T08:00")
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,phone,started_at,talk_seconds,disposition,product,premium
            c0,A001,13900000002,2026-10-20T10:00:00,90,interested,,
            c1,A001,13900000001,2026-11-02T10:00:00,300,proposal,,
            c2,A001,13900000001,2026-11-03T10:00:00,700,sale,CI01,5000
            c3,A002,13900000003,2026-11-04T11:00:00,0,no_answer,,
            """)
        #expect(try cli.run(["calls", "import", calls], now: "2026-11-20T20:00").status == 0)
        #expect(try cli.run(["plan", "targets", "--annual-income", "120000", "--agent", "A001", "--month", "2026-11"], now: "2026-11-20T20:00").status == 0)

        // The week of 2 to 8 November carries 5/21 of November's targets.
        let week = try #require(try CLI.json(cli.run(["seats", "report", "--from", "2026-11-02", "--to", "2026-11-08", "--format", "json"],
                                                     now: "2026-11-20T20:00")) as? [String: Any])
        let agents = try #require(week["agents"] as? [[String: Any]])
        let a1 = try #require(agents.first { $0["agent_code"] as? String == "A001" })
        #expect((a1["targets"] as? [String: Any])?["effective_calls"] as? Double == 36.43 && a1["proposals"] as? Int == 1)
        // 5,000 against 33,333.33 × 5/21 = 7,936.51.
        #expect(abs((a1["attainment"] as? Double ?? 0) - 5_000 / 7_936.51) < 1e-12)
        #expect(agents.first { $0["agent_code"] as? String == "A002" }?["attainment"] is NSNull)
        let center = try #require(week["center"] as? [String: Any])
        #expect(center["team"] is NSNull && center["headcount"] as? Int == 2 && center["active_seller_rate"] as? Double == 0.5)
        // The same seven days just before: 26 October to 1 November.
        let previous = try #require(week["previous"] as? [String: Any])
        #expect(previous["from"] as? String == "2026-10-26T00:00:00" && previous["to"] as? String == "2026-11-02T00:00:00")

        let month = try #require(try CLI.json(cli.run(["seats", "report", "--month", "2026-11", "--format", "json", "--compare", "previous"],
                                                      now: "2026-11-20T20:00")) as? [String: Any])
        #expect((month["previous"] as? [String: Any])?["from"] as? String == "2026-10-01T00:00:00")
        #expect(((month["previous"] as? [String: Any])?["center"] as? [String: Any])?["effective_calls"] as? Int == 1)
        let none = try #require(try CLI.json(cli.run(["seats", "report", "--month", "2026-11", "--format", "json", "--compare", "none"],
                                                     now: "2026-11-20T20:00")) as? [String: Any])
        #expect(none["previous"] == nil)
        let lastYear = try #require(try CLI.json(cli.run(["seats", "report", "--month", "2026-11", "--format", "json", "--compare", "last-year"],
                                                         now: "2026-11-20T20:00")) as? [String: Any])
        #expect((lastYear["previous"] as? [String: Any])?["to"] as? String == "2025-12-01T00:00:00")

        let tiers = try cli.run(["seats", "report", "--month", "2026-11", "--by", "tier", "--format", "csv"], now: "2026-11-20T20:00")
        #expect(tiers.stdout.hasPrefix("tier,headcount,active_sellers,active_seller_rate,") && tiers.stdout.contains("\ncore,1,1,1,"), "\(tiers.stdout)")
        #expect(tiers.stdout.contains(",1\n") && tiers.stdout.contains("\ngeneral,1,0,0,"))
        let table = try cli.run(["seats", "report", "--month", "2026-11", "--by", "team"], now: "2026-11-20T20:00")
        #expect(table.stdout.contains("\ncenter ") && table.stdout.contains("prev premium") && table.stdout.contains("previous 2026-10-01"))

        let bad = try cli.run(["seats", "report", "--compare", "lastyear"], now: "2026-11-20T20:00")
        #expect(bad.status != 0 && bad.stderr.contains("--compare") && bad.stderr.contains("lastyear"))
        let config = try cli.write("bad.toml", "[planning]\nworking_days = [\"mon\", \"someday\"]\n")
        let badDays = try cli.run(["--config", config, "seats", "report"], now: "2026-11-20T20:00")
        #expect(badDays.status != 0 && badDays.stderr.contains("planning.working_days") && badDays.stderr.contains("someday"))
    }
}
