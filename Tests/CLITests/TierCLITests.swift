import Foundation
import Testing

/// One tier for an agent and a day, whichever command shows it (SPEC section 4).
@Suite(.serialized) struct TierCLITests {
    @Test func rosterListSeatReportAllocationAndPaySlipAgree() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // No tier in the roster: every tier is derived. NEW was hired 10 days before the 20th.
        let roster = try cli.run(["roster", "import", cli.write("roster.csv", """
            agent_code,name,team,hire_date,status
            TOP,张伟,一组,2025-01-01,active
            CORE,李娜,一组,2025-01-01,active
            GEN,王芳,一组,2025-01-01,active
            NEW,赵磊,一组,2026-11-11,active
            """)])
        #expect(roster.status == 0, "\(roster.stderr)")
        _ = try cli.run(["leads", "import", cli.write("oct.csv", "phone,name,age\n13900000001,甲,30\n13900000002,乙,40\n13900000003,丙,35\n"), "--source", "v"],
                        now: "2026-10-01T09:00")
        // October (the assessment month for November 20th): TOP 2 policies, FYC 6,000 + 4,000;
        // CORE 1 policy, FYC exactly 3,000 (CI01 pays 30%).
        for (lead, agent, premium) in [("1", "TOP", "20000"), ("2", "TOP", "13333.34"), ("3", "CORE", "10000")] {
            let sold = try cli.run(["sales", "record", "--lead", lead, "--agent", agent, "--product", "CI01", "--premium", premium], now: "2026-10-12T10:00")
            #expect(sold.status == 0, "\(sold.stderr)")
        }
        let now = "2026-11-20T10:00"
        _ = try cli.run(["leads", "import", cli.write("nov.csv", "phone,name,age\n" + (10...49).map { "139000000\($0),客户,35" }.joined(separator: "\n") + "\n"),
                         "--source", "v"], now: "2026-11-20T09:00")
        let expected = ["TOP": "top", "CORE": "core", "GEN": "general", "NEW": "new"]

        let list = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
        let listed = Dictionary(uniqueKeysWithValues: list.map { ($0["agent_code"] as! String, $0["tier"] as! String) })
        #expect(listed == expected)
        #expect(Set(list.map { $0["tier_source"] as? String }) == ["derived"])
        let core = try #require(list.first { $0["agent_code"] as? String == "CORE" })
        #expect(core["tier_why"] as? String == "2026-10: 1 policy kept, FYC 3,000.00 (core from 1 and 3,000.00)")

        let report = try #require(try CLI.json(cli.run(["seats", "report", "--format", "json"], now: now)) as? [String: Any])
        let reported = try #require(report["agents"] as? [[String: Any]])
        #expect(Dictionary(uniqueKeysWithValues: reported.map { ($0["agent_code"] as! String, $0["tier"] as! String) }) == expected)

        let allocation = try #require(try CLI.json(cli.run(["leads", "allocate", "--seed", "1", "--format", "json"], now: now)) as? [String: Any])
        let allocated = try #require(allocation["agents"] as? [[String: Any]])
        #expect(Dictionary(uniqueKeysWithValues: allocated.map { ($0["agent_code"] as! String, $0["tier"] as! String) }) == expected)

        #expect(try cli.run(["pay", "run", "--month", "2026-11"], now: now).status == 0)
        for (code, tier) in expected {
            let slip = try #require(try CLI.json(cli.run(["pay", "slip", "--agent", code, "--month", "2026-11", "--format", "json"], now: now)) as? [String: Any])
            #expect(slip["rank"] as? String == tier, "\(code)")
            #expect(slip["month"] as? String == "2026-11" && slip["agent_code"] as? String == code)
            #expect(slip["days_employed"] as? Int == (code == "NEW" ? 20 : 30))
        }
        // Roster tiers win, and say so.
        _ = try cli.run(["roster", "import", cli.write("r2.csv", "agent_code,name,team,hire_date,tier\nGEN,王芳,一组,2025-01-01,top\n")])
        let again = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
        let gen = try #require(again.first { $0["agent_code"] as? String == "GEN" })
        #expect(gen["tier"] as? String == "top" && gen["tier_source"] as? String == "roster")
    }

    /// Audit 7: `roster tiers` shows the tier history the nightly batch and pay runs record.
    @Test func rosterTiersShowsAnAgentsHistory() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")]).status == 0)
        let empty = try cli.run(["roster", "tiers", "--agent", "A001", "--format", "json"], now: "2026-12-03T10:00")
        #expect(empty.status == 0 && empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]" || empty.stdout.contains("[]"), "\(empty.stdout)")
        #expect(try cli.run(["pay", "run", "--month", "2026-11"], now: "2026-12-03T10:00").status == 0)
        let json = try cli.run(["roster", "tiers", "--agent", "A001", "--format", "json"], now: "2026-12-03T10:00")
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(rows == [["month": "2026-11", "tier": "core", "source": "roster", "why": "set in the roster", "as_of": "2026-11-30"]], "\(json.stdout)")
        let csv = try cli.run(["roster", "tiers", "--agent", "A001", "--format", "csv"], now: "2026-12-03T10:00")
        #expect(csv.status == 0 && csv.stdout.contains("2026-11,core,roster,set in the roster,2026-11-30"), "\(csv.stdout)")
        let unknown = try cli.run(["roster", "tiers", "--agent", "ZZ"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no agent \"ZZ\""), "\(unknown.stderr)")
    }

    /// Audit 6: a draft pay run froze the tier of its day; a later free-look cancellation changed
    /// it for roster list but the draft's slip still said the old rank.
    @Test func aDraftSlipShowsTheTierOfNow() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,status\nA10,张伟,一组,2025-01-01,active\n")]).status == 0)
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,甲,30\n13900000002,乙,40\n"), "--source", "v"], now: "2026-11-20T09:00")
        // November (December's assessment month): 2 policies, FYC 6,000 + 4,000: top.
        for (lead, premium) in [("1", "20000"), ("2", "13333.34")] {
            let sold = try cli.run(["sales", "record", "--lead", lead, "--agent", "A10", "--product", "CI01", "--premium", premium], now: "2026-11-25T10:00")
            #expect(sold.status == 0, "\(sold.stderr)")
        }
        #expect(try cli.run(["pay", "run", "--month", "2026-12"], now: "2026-12-03T10:00").status == 0)
        func rank(_ now: String) throws -> (slip: String?, roster: String?) {
            let slip = try CLI.json(cli.run(["pay", "slip", "--agent", "A10", "--month", "2026-12", "--format", "json"], now: now)) as? [String: Any]
            let list = try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]]
            return (slip?["rank"] as? String, list?.first?["tier"] as? String)
        }
        #expect(try rank("2026-12-03T10:00") == ("top", "top"))
        // Cancelled in free-look on December 5th: November keeps 1 policy, FYC 6,000: core.
        let cancelled = try cli.run(["sales", "cancel", "--policy", "2", "--reason", "free-look"], now: "2026-12-05T10:00")
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(try rank("2026-12-10T10:00") == ("core", "core"))
    }
}
