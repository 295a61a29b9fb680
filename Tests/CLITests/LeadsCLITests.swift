import Foundation
import Testing

/// The data officer's day, end to end through the built binary.
@Suite(.serialized) struct LeadsCLITests {
    let roster = """
        agent_code,name,team,hire_date,tier,status,seat
        A001,张伟,一组,2024-03-01,top,active,A-01
        A002,李娜,一组,2025-03-01,general,active,A-02
        A003,王芳,二组,2026-11-20,,probation,B-01
        """

    @Test func importAllocateStatsWhyAndRecycle() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", roster)])
        // An Excel export: BOM, CRLF, Chinese headers, one bad number, one duplicate.
        let leads = "\u{FEFF}手机号,姓名,年龄,年收入,职业,婚姻状况\r\n13900000001,张三,35,12万,教师,已婚\r\n13900000002,李四,45,,,\r\n139-0000-0003,王五,30,,,\r\n12345,坏号,30,,,\r\n13900000001,张三,35,12万,教师,已婚\r\n"
        try cli.write("vendor.csv", leads)
        let dry = try cli.run(["leads", "import", "vendor.csv", "--source", "平安合作", "--cost-per-lead", "2.5", "--dry-run", "--format", "json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let imported = try cli.run(["leads", "import", "vendor.csv", "--source", "平安合作", "--cost-per-lead", "2.5", "--rejects", "rejects.csv", "--format", "json"])
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["accepted"] as? Int == 3 && summary["rows"] as? Int == 5 && summary["batch_id"] as? Int == 1)
        let rejected = try #require(summary["rejected"] as? [String: Int])
        #expect(rejected == ["missing_phone": 0, "invalid_phone": 1, "duplicate_in_file": 1, "duplicate_existing": 0, "dnc": 0,
                             "out_of_age_range": 0, "malformed_row": 0])
        #expect(try String(contentsOf: cli.folder.appendingPathComponent("rejects.csv"), encoding: .utf8).contains("5,invalid_phone"))
        // The same file again is refused, naming the earlier batch.
        let twice = try cli.run(["leads", "import", "vendor.csv", "--source", "平安合作"])
        #expect(twice.status != 0 && twice.stderr.contains("already imported as batch 1"))

        let allocated = try CLI.json(cli.run(["leads", "allocate", "--seed", "5", "--format", "json"])) as? [String: Any]
        #expect(allocated?["allocated"] as? Int == 3 && allocated?["unallocated"] as? Int == 0)
        let agents = try #require(allocated?["agents"] as? [[String: Any]])
        #expect(Set(agents.compactMap { $0["agent_code"] as? String }) == ["A001", "A002"])  // A003: training gate
        #expect((agents.first?["grades"] as? [String: Int])?.keys.sorted() == ["A", "B", "C"])

        let stats = try #require(try CLI.json(cli.run(["leads", "stats", "--format", "json"])) as? [[String: Any]])
        #expect(stats.count == 1)
        for key in ["batch_id", "source", "rows", "accepted", "allocated", "dialed", "contacted", "sold", "premium", "cost", "cost_per_sale", "data_usage_rate"] {
            #expect(stats[0].keys.contains(key), "leads stats lacks \(key)")
        }
        #expect(stats[0]["cost"] as? Double == 12.5 && stats[0]["allocated"] as? Int == 3)

        let why = try cli.run(["leads", "why", "1"])
        #expect(why.status == 0 && why.stdout.contains("assigned") && why.stdout.contains("queue"), "\(why.stdout)")

        let dnc = try cli.run(["leads", "dnc", "add", "13900000002", "--format", "json"])
        #expect((try CLI.json(dnc) as? [String: Int])?["leads_closed"] == 1)
        let list = try cli.run(["leads", "dnc", "list"])
        #expect(list.stdout.contains("139****0002") && !list.stdout.contains("13900000002"))

        // Four days later the untouched leads are idle and go back to the pool.
        let recycled = try CLI.json(cli.run(["leads", "recycle", "--format", "json"], now: "2026-11-27T10:00")) as? [String: Any]
        #expect(recycled?["idle"] as? Int == 2 && recycled?["exhausted"] as? Int == 0 && recycled?["retired"] as? Int == 0)
        let check = try cli.run(["check"])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func badInputIsRefusedClearly() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write("nophone.csv", "name,city\n张三,上海\n")
        let result = try cli.run(["leads", "import", "nophone.csv", "--source", "x"])
        #expect(result.status != 0 && result.stderr.contains("nophone.csv: has no phone column"))
        let missing = try cli.run(["leads", "import", "nope.csv", "--source", "x"])
        #expect(missing.status != 0 && missing.stderr.contains("nope.csv"))
        let why = try cli.run(["leads", "why", "99"])
        #expect(why.status != 0 && why.stderr.contains("no lead \"99\""))
        let badCost = try cli.run(["leads", "import", "nophone.csv", "--source", "x", "--cost-per-lead", "-1"])
        #expect(badCost.status != 0 && badCost.stderr.contains("--cost-per-lead"))
    }
}
