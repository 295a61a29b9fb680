import Foundation
import Testing

/// `pay review --apply`: the quarter's promotions and demotions become ranks from the next month,
/// once, audited, and the roster, pay and reports follow them (SPEC section 9).
@Suite(.serialized) struct PayReviewApplyCLITests {
    @Test func applyingTheReviewTwiceIsApplyingItOnce() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // No roster tiers: the ranks are derived, so a review's rank shows.
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nA001,张伟,一组,2024-03-01\nA002,李娜,一组,2024-03-01\n")], now: "2026-10-01T09:00")
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"], now: "2026-10-01T09:00")
        try cli.ok(["leads", "allocate", "--seed", "1"], now: "2026-10-01T09:00")
        // FYC 18,000 (30% of 60,000) in Q4 reaches core's 15,000: A001 is promoted; A002 sold nothing.
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "CI01", "--premium", "60000"], now: "2026-10-12T10:00")
        let review = try #require(try CLI.json(cli.run(["pay", "review", "--quarter", "2026-Q4", "--format", "json"], now: "2027-01-02T09:00")) as? [[String: Any]])
        #expect(review.map { "\($0["agent_code"] as? String ?? "") \($0["tier"] as? String ?? "") \($0["verdict"] as? String ?? "")" } == ["A001 general promote", "A002 general keep"])

        // Not before December's pay is final: refused, nothing recorded.
        let early = try cli.run(["pay", "review", "--quarter", "2026-Q4", "--apply"], now: "2027-01-02T09:00")
        #expect(early.status != 0 && early.stderr.contains("pay run --month 2026-12 --finalize"), "\(early.stderr)")
        #expect(try cli.sqlite("SELECT COUNT(*) FROM tier_review") == "0\n")
        try cli.ok(["pay", "run", "--month", "2026-12", "--finalize"], now: "2027-01-02T09:00")

        let first = try cli.ok(["pay", "review", "--quarter", "2026-Q4", "--apply"], now: "2027-01-02T09:30")
        #expect(first.stderr.contains("A001: general → core from 2027-01") && !first.stderr.contains("A002"), "\(first.stderr)")
        let rosterAfterFirst = try cli.ok(["roster", "list", "--format", "json"], now: "2027-01-05T09:00").stdout
        let second = try cli.ok(["pay", "review", "--quarter", "2026-Q4", "--apply"], now: "2027-01-03T09:30")
        #expect(second.stderr.contains("A001: general → core from 2027-01 (already applied)"), "\(second.stderr)")
        #expect(try cli.ok(["roster", "list", "--format", "json"], now: "2027-01-05T09:00").stdout == rosterAfterFirst)
        #expect(try cli.sqlite("SELECT agent.code, tier_review.month, tier_review.tier FROM tier_review JOIN agent ON agent.id = tier_review.agent_id ORDER BY agent.code") == "A001|2027-01|core\n")
        #expect(try cli.sqlite("SELECT COUNT(*) FROM audit_log WHERE command LIKE 'pay review%'") == "1\n")

        // The roster, the seat report and pay show the new rank from January, not in December.
        let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: "2027-01-05T09:00")) as? [[String: Any]])
        let a001 = try #require(roster.first { $0["agent_code"] as? String == "A001" })
        #expect(a001["tier"] as? String == "core" && a001["tier_source"] as? String == "review")
        let december = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: "2026-12-20T09:00")) as? [[String: Any]])
        #expect(december.first { $0["agent_code"] as? String == "A001" }?["tier"] as? String != "core")
        let seats = try #require(try CLI.json(cli.run(["seats", "report", "--format", "json"], now: "2027-01-05T09:00")) as? [String: Any])
        #expect((seats["agents"] as? [[String: Any]])?.first { $0["agent_code"] as? String == "A001" }?["tier"] as? String == "core")
        try cli.ok(["pay", "run", "--month", "2027-01"], now: "2027-01-20T09:00")
        let slip = try #require(try CLI.json(cli.run(["pay", "slip", "--agent", "A001", "--month", "2027-01", "--format", "json"], now: "2027-01-20T09:00")) as? [String: Any])
        #expect(slip["rank"] as? String == "core")
    }

    /// A two-year `general` agent who sold nothing in the quarter keeps `general`: `new` is only
    /// the first 30 days, so no review demotes below general (SPEC section 4).
    @Test func aReviewNeverDemotesBelowGeneral() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nB002,乙,T2,2025-01-01\n")], now: "2026-10-01T09:00")
        for month in ["2026-10", "2026-11", "2026-12"] { try cli.ok(["pay", "run", "--month", month, "--finalize"], now: "2027-01-05T10:00") }
        try cli.ok(["pay", "review", "--quarter", "2026-Q4", "--apply"], now: "2027-01-05T10:00")
        let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: "2027-01-15T10:00")) as? [[String: Any]])
        #expect(roster.first?["tier"] as? String == "general" && roster.first?["tier_source"] as? String != "review", "\(roster)")
        #expect(try cli.sqlite("SELECT COUNT(*) FROM tier_review") == "0\n")
    }

    /// A draft pays the rank the final run will (README pay: the tier on the month's last day,
    /// whenever the run happens). C002, hired 19 November, is `new` in roster list on 5
    /// December but general on the 31st: the draft of the 5th and the run after the month both
    /// pay December as general, and the draft records the tier history only as of its own day.
    @Test func aDraftRanksTheMonthAsTheFinalRunWill() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nC001,一,T3,2025-01-01\nC002,二,T3,2026-11-19\n")], now: "2026-10-01T09:00")
        var slips: [String] = []
        for now in ["2026-12-05T10:00", "2027-01-05T10:00"] {
            try cli.ok(["pay", "run", "--month", "2026-12"], now: now)
            let slip = try #require(try CLI.json(cli.run(["pay", "slip", "--agent", "C002", "--month", "2026-12", "--format", "json"], now: now)) as? [String: Any])
            let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
            let listed = roster.first { $0["agent_code"] as? String == "C002" }?["tier"] as? String
            slips.append("\(slip["rank"] as? String ?? "") \(listed ?? "")")
            if now.hasPrefix("2026-12-05") {
                #expect(try cli.sqlite("SELECT as_of FROM tier_history WHERE month = '2026-12' LIMIT 1") == "2026-12-05\n")
            }
        }
        #expect(slips == ["general new", "general general"], "\(slips)")
    }
}
