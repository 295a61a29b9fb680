import Foundation
import Testing

/// `leads stats` keeps every rate a fraction (SPEC 13) in every `--by` grouping: a lead sold with
/// `sales record` and no call is a contacted lead (an outside audit found `--by class` at 200%).
@Suite(.serialized) struct LeadStatsRatesCLITests {
    /// K1 holds two leads bought at 2 yuan; lead 1 is called and sold, lead 2 sold with no call.
    func soldWithoutACall(_ cli: CLI) throws {
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nK1,甲,K组,2026-01-05\n")])
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"),
                    "--source", "v", "--cost-per-lead", "2"])
        try cli.ok(["leads", "allocate", "--seed", "1"])
        try cli.ok(["calls", "log", "--agent", "K1", "--lead", "1", "--disposition", "interested", "--talk-seconds", "120"])
        for lead in ["1", "2"] {
            try cli.ok(["sales", "record", "--lead", lead, "--agent", "K1", "--product", "ACC01", "--premium", "300"])
        }
    }

    @Test func byClassTheConversionOfTwoSalesIsOne() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try soldWithoutACall(cli)
        let rows = try #require(try CLI.json(cli.ok(["leads", "stats", "--by", "class", "--format", "json"])) as? [[String: Any]])
        let cold = try #require(rows.first { $0["class"] as? String == "cold" })
        #expect(cold["sold"] as? Int == 2 && cold["contacted"] as? Int == 2 && cold["dialed"] as? Int == 2, "\(cold)")
        #expect(cold["conversion_rate"] as? Double == 1, "\(cold)")
        #expect(try cli.ok(["leads", "stats", "--by", "class"]).stdout.contains("100.0%"))
    }

    @Test func byBatchAndBySourceTheFunnelHoldsItsOrder() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try soldWithoutACall(cli)
        for filter in [[], ["--source", "v"], ["--batch", "1"]] {
            let rows = try #require(try CLI.json(cli.ok(["leads", "stats", "--format", "json"] + filter)) as? [[String: Any]])
            let row = try #require(rows.first)
            #expect(row["sold"] as? Int == 2 && row["contacted"] as? Int == 2 && row["dialed"] as? Int == 2, "\(filter): \(row)")
            #expect(row["data_usage_rate"] as? Double == 1, "\(filter): \(row)")
            #expect(row["cost_per_sale"] as? Double == 2, "\(filter): \(row)")
        }
    }

    @Test func byAttemptASaleCallWithNoTalkIsAContact() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nK1,甲,K组,2026-01-05\n")])
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"])
        try cli.ok(["leads", "allocate", "--seed", "1"])
        // The lead's first call is a sale logged with no talk time (a dialer that drops the duration).
        try cli.ok(["calls", "log", "--agent", "K1", "--lead", "1", "--disposition", "sale", "--talk-seconds", "0",
                    "--product", "ACC01", "--premium", "300"])
        let rows = try #require(try CLI.json(cli.ok(["leads", "stats", "--by", "attempt", "--format", "json"])) as? [[String: Any]])
        #expect(!rows.isEmpty)
        for row in rows {
            let (contacts, sales) = (row["contacts"] as? Int ?? -1, row["sales"] as? Int ?? -1)
            #expect(sales <= contacts, "\(row)")
            #expect((row["contact_rate"] as? Double ?? 2) <= 1 && (row["sale_rate"] as? Double ?? 2) <= 1, "\(row)")
        }
    }
}
