import Foundation
import Testing

/// The calls-per-day attainment counts only the working days of months that carry a target, and
/// the effective calls made on them (SPEC section 8); an outside audit found October's 5 working
/// days diluting a November-only target.
@Suite(.serialized) struct DailyTargetCLITests {
    /// A1 with one lead allocated on 2026-10-26 and one effective call on each `calls` day; the
    /// targets of 120,000 a year stored for `months`.
    func center(_ cli: CLI, calls: [String], months: [String]) throws {
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nA1,甲,一组,2026-01-05\n")], now: "2026-10-26T09:00")
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"], now: "2026-10-26T09:00")
        try cli.ok(["leads", "allocate", "--seed", "1"], now: "2026-10-26T09:30")
        for day in calls {
            try cli.ok(["calls", "log", "--agent", "A1", "--lead", "1", "--disposition", "interested", "--talk-seconds", "120"], now: day + "T10:00")
        }
        for month in months {
            try cli.ok(["plan", "targets", "--annual-income", "120000", "--agent", "A1", "--month", month], now: "2026-11-06T18:00")
        }
    }

    /// The agent's row of the report of 2026-10-26 to 2026-11-06 (5 working days in each month).
    func agent(_ cli: CLI) throws -> [String: Any] {
        let report = try #require(try CLI.json(cli.ok(["seats", "report", "--from", "2026-10-26", "--to", "2026-11-06", "--compare", "none",
                                                       "--format", "json"], now: "2026-11-06T18:00")) as? [String: Any])
        return try #require((report["agents"] as? [[String: Any]])?.first)
    }

    func daily(_ row: [String: Any]) -> (attainment: Double?, target: Double?) {
        ((row["attainment_by"] as? [String: Any])?["daily_effective_calls"] as? Double,
         (row["targets"] as? [String: Any])?["daily_effective_calls"] as? Double)
    }

    @Test func aMonthWithoutATargetAddsNoDays() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli, calls: ["2026-11-04"], months: ["2026-11"])
        let row = try agent(cli)
        let (attainment, target) = daily(row)
        #expect(target == 8, "\(row)")
        // One call over November's 5 working days against 8 a day: 1 / 40, not 1 / 80.
        #expect(abs((attainment ?? 0) - 0.025) < 1e-9, "\(row)")
    }

    @Test func theCallsOfAMonthWithoutATargetAreNotCompared() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli, calls: ["2026-10-27", "2026-10-28", "2026-11-04"], months: ["2026-11"])
        let row = try agent(cli)
        #expect(row["effective_calls"] as? Int == 3, "\(row)")
        // October's calls are outside the targeted days: November's one call over its 5 days
        // (not 3 calls over 10 days, 0.0375).
        #expect(abs((daily(row).attainment ?? 0) - 0.025) < 1e-9, "\(row)")
    }

    @Test func withATargetInBothMonthsEveryDayCounts() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli, calls: ["2026-10-28", "2026-11-04"], months: ["2026-10", "2026-11"])
        let row = try agent(cli)
        let (attainment, target) = daily(row)
        let daily = try #require(target)
        #expect(daily > 0)
        // Two calls over ten working days against the daily target weighted by the days.
        #expect(abs((attainment ?? 0) - 0.2 / daily) < 1e-3, "\(row)")
        #expect(row["working_days"] as? Int == 10, "\(row)")
    }
}
