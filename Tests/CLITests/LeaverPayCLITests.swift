import Foundation
import Testing

/// Pay over time (SPEC section 9): leavers paid base to the day before left_on, base by rank
/// not by the month's own sales, and the team lead's override.
@Suite(.serialized) struct LeaverPayCLITests {
    @Test func leaversRanksAndTheOverride() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        func ok(_ arguments: [String], now: String) throws -> CLI.Result {
            let result = try cli.run(arguments, now: now)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        _ = try ok(["roster", "import", cli.write("roster.csv", """
            agent_code,name,team,hire_date,tier,role
            A002,李娜,一组,2025-01-01,core,
            A003,王强,一组,2025-01-01,core,
            A004,赵敏,一组,2025-01-01,core,
            G001,陈静,一组,2025-01-01,,
            T001,刘洋,一组,2024-01-01,core,lead

            """)], now: "2026-11-01T09:00")
        _ = try ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"], now: "2026-11-01T09:00")
        // G001, with no roster tier and nothing sold in October, sells 6,000 of FYC in November:
        // the month's own sales would make them top; their rank for November is general.
        for lead in ["1", "2"] {
            _ = try ok(["sales", "record", "--lead", lead, "--agent", "G001", "--product", "CI01", "--premium", "10000"], now: "2026-11-10T10:00")
        }
        // A November campaign on premium pays G001's 20,000 in the month it ends; one ending in
        // December pays nothing in November.
        _ = try ok(["plan", "campaign", "add", "NOV", "--name", "十一月冲刺", "--metric", "premium", "--from", "2026-11-01", "--to", "2026-11-30",
                    "--tier", "10000:300", "20000:800"], now: "2026-11-10T10:00")
        _ = try ok(["plan", "campaign", "add", "DEC", "--name", "年终", "--metric", "premium", "--from", "2026-11-15", "--to", "2026-12-31",
                    "--tier", "1:100"], now: "2026-11-10T10:00")
        // A002 leaves mid-month, A004 on the month's last day, A003 on the first day of the next.
        let now = "2026-12-02T09:00"
        _ = try ok(["roster", "leave", "--agent", "A002", "--date", "2026-11-18"], now: now)
        _ = try ok(["roster", "leave", "--agent", "A004", "--date", "2026-11-30"], now: now)
        _ = try ok(["roster", "leave", "--agent", "A003", "--date", "2026-12-01"], now: now)
        let run = try #require(try CLI.json(ok(["pay", "run", "--month", "2026-11", "--format", "json"], now: now)) as? [String: Any])
        let statements = try #require(run["statements"] as? [[String: Any]])
        func lines(_ code: String) -> [String: Double] {
            let statement = statements.first { $0["agent_code"] as? String == code }
            let lines = statement?["lines"] as? [[String: Any]] ?? []
            return Dictionary(lines.map { ($0["kind"] as? String ?? "?", $0["amount"] as? Double ?? 0) }, uniquingKeysWith: +)
        }
        // 4,000 × 17/30 (1 to 17 November) = 2,266.666… → 2,266.67; × 29/30 = 3,866.67; the whole month.
        #expect(lines("A002")["base"] == 2_266.67)
        #expect(lines("A004")["base"] == 3_866.67)
        #expect(lines("A003")["base"] == 4_000)
        #expect(lines("G001")["base"] == 3_500 && lines("G001")["commission"] == 6_000 && lines("G001")["campaign"] == 800)
        #expect(lines("T001")["campaign"] == nil)
        // T001 leads 一组: 5% of the rest of the team's net FYC (G001's 6,000).
        #expect(lines("T001")["override"] == 300 && lines("T001")["base"] == 4_000)
        let slip = try ok(["pay", "slip", "--agent", "A002", "--month", "2026-11"], now: now)
        #expect(slip.stdout.contains("17 of 30 days"), "\(slip.stdout)")
        // December: the leavers are gone (A003's first day away was 1 December).
        let december = try #require(try CLI.json(ok(["pay", "run", "--month", "2026-12", "--format", "json"], now: now)) as? [String: Any])
        let paid = (december["statements"] as? [[String: Any]] ?? []).compactMap { $0["agent_code"] as? String }
        #expect(paid == ["G001", "T001"], "\(paid)")
    }
}
