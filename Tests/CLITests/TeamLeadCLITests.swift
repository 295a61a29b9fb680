import Foundation
import Testing

/// The team lead's reports and the nightly batch through the built binary.
@Suite(.serialized) struct TeamLeadCLITests {
    @Test func planTargetsFollowSeed001() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let json = try #require(try CLI.json(cli.run(["plan", "targets", "--annual-income", "120000", "--format", "json"])) as? [String: Any])
        #expect(json["monthly_fyc"] as? Double == 10_000 && json["monthly_premium"] as? Double == 33_333.33)
        #expect(json["monthly_sales"] as? Int == 17 && json["monthly_proposals"] as? Int == 51 && json["monthly_effective_calls"] as? Int == 153)
        #expect(json["weekly_effective_calls"] as? Int == 39 && json["daily_effective_calls"] as? Int == 8 && json["annual_income"] as? Double == 120_000)
        let unknown = try cli.run(["plan", "targets", "--annual-income", "120000", "--agent", "NOPE"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no agent \"NOPE\""))
    }

    @Test func seatReportInEveryFormatAndTheNightlyRun() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier,seat\nA001,张伟,一组,2024-03-01,core,S1\nA002,李娜,一组,2025-03-01,general,S2\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone\n13900000001\n13900000002\n13900000003\n"), "--source", "v"], now: "2026-11-02T08:00")
        _ = try cli.run(["leads", "allocate", "--seed", "2"], now: "2026-11-02T08:00")
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,phone,started_at,talk_seconds,disposition,product,premium
            c1,A001,13900000001,2026-11-02T10:00:00,300,interested,,
            c2,A001,13900000001,2026-11-03T10:00:00,700,sale,CI01,5000
            c3,A002,13900000002,2026-11-02T11:00:00,0,no_answer,,
            """)
        let imported = try cli.run(["calls", "import", calls], now: "2026-11-03T20:00")
        #expect(imported.status == 0, "\(imported.stderr)")
        let json = try #require(try CLI.json(cli.run(["seats", "report", "--month", "2026-11", "--format", "json"])) as? [String: Any])
        let agents = try #require(json["agents"] as? [[String: Any]])
        #expect(agents.first?["agent_code"] as? String == "A001" && agents.first?["premium"] as? Double == 5_000)
        #expect((json["teams"] as? [[String: Any]])?.first?["active_seller_rate"] as? Double == 0.5)
        let csv = try cli.run(["seats", "report", "--month", "2026-11", "--format", "csv", "--by", "team"])
        // CSV is data: the JSON keys, rates as fractions, money without separators.
        #expect(csv.stdout.hasPrefix("team,headcount,active_sellers,active_seller_rate,") && csv.stdout.contains("\n一组,2,1,0.5,"), "\(csv.stdout)")
        let html = try cli.run(["seats", "report", "--month", "2026-11", "--format", "html", "--out", "seats.html"])
        #expect(html.status == 0 && html.stdout.isEmpty)
        let page = try String(contentsOf: cli.folder.appendingPathComponent("seats.html"), encoding: .utf8)
        #expect(page.contains("张伟") && page.contains("<svg"))
        let both = try cli.run(["seats", "report", "--month", "2026-11", "--from", "2026-11-01", "--to", "2026-11-02"])
        #expect(both.status != 0)

        let first = try cli.run(["daily", "--date", "2026-11-04", "--out", "night1", "--format", "json"], now: "2026-11-03T22:00")
        #expect(first.status == 0, "\(first.stderr)")
        let second = try cli.run(["daily", "--date", "2026-11-04", "--out", "night2", "--format", "json"], now: "2026-11-03T22:00")
        let a = try #require(try CLI.json(first) as? [String: Any]), b = try #require(try CLI.json(second) as? [String: Any])
        #expect(b["allocated"] as? Int == 0 && (a["files"] as? [String]) == (b["files"] as? [String]))
        for agent in ["A001", "A002"] {
            let one = try String(contentsOf: cli.folder.appendingPathComponent("night1/queues/\(agent).csv"), encoding: .utf8)
            let two = try String(contentsOf: cli.folder.appendingPathComponent("night2/queues/\(agent).csv"), encoding: .utf8)
            #expect(one == two && one.hasPrefix("rank,lead_id,"))
        }
        #expect(FileManager.default.fileExists(atPath: cli.folder.appendingPathComponent("night2/reports/seats-2026-11-04.html").path))
    }
}
