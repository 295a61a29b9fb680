import Foundation
import Testing

/// The pay desk end to end: a run, a slip, finalising, the lock, the review.
@Suite(.serialized) struct PayCLITests {
    @Test func aMonthsPay() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\nA002,李娜,一组,2024-03-01,general\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"], now: "2026-10-01T09:00")
        _ = try cli.run(["leads", "allocate", "--seed", "1"], now: "2026-10-01T09:00")
        let sold = try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "CI01", "--premium", "40000"], now: "2026-10-12T10:00")
        #expect(sold.status == 0, "\(sold.stderr)")
        // October: A001 base 4,000 + FYC 12,000 + 20% 2,400 + 300; A002 base only.
        let run = try #require(try CLI.json(cli.run(["pay", "run", "--month", "2026-10", "--format", "json"], now: "2026-10-31T20:00")) as? [String: Any])
        let statements = try #require(run["statements"] as? [[String: Any]])
        #expect(statements.map { $0["agent_code"] as? String } == ["A001", "A002"])
        #expect(statements[0]["total"] as? Double == 18_700 && statements[1]["total"] as? Double == 3_500)
        #expect(run["status"] as? String == "draft" && run["outside_band"] as? Bool == true)
        let table = try cli.run(["pay", "run", "--month", "2026-10"], now: "2026-10-31T20:00")
        #expect(table.stdout.contains("outside the 30%–50%") && table.stdout.contains("18,700.00"))
        let slip = try cli.run(["pay", "slip", "--agent", "A001", "--month", "2026-10"], now: "2026-10-31T20:00")
        #expect(slip.status == 0 && slip.stdout.contains("tier_bonus") && slip.stdout.contains("2,400.00"), "\(slip.stdout)")
        let early = try cli.run(["pay", "run", "--month", "2026-10", "--finalize"], now: "2026-10-31T20:00")
        #expect(early.status != 0 && early.stderr.contains("not over"))
        #expect(try cli.run(["pay", "run", "--month", "2026-10", "--finalize"], now: "2026-11-01T09:00").status == 0)
        let locked = try cli.run(["pay", "run", "--month", "2026-10"], now: "2026-11-02T09:00")
        #expect(locked.status != 0 && locked.stderr.contains("locked"))
        let review = try #require(try CLI.json(cli.run(["pay", "review", "--quarter", "2026-Q4", "--format", "json"], now: "2026-12-31T20:00")) as? [[String: Any]])
        #expect(review.map { $0["verdict"] as? String } == ["warn", "keep"]) // A002 is general: no rank below it (SPEC section 4)
        let badQuarter = try cli.run(["pay", "review", "--quarter", "2026-Q5"])
        #expect(badQuarter.status != 0 && badQuarter.stderr.contains("--quarter"))
        let noRun = try cli.run(["pay", "slip", "--agent", "A001", "--month", "2026-09"])
        #expect(noRun.status != 0 && noRun.stderr.contains("pay run --month 2026-09"))
    }
}
