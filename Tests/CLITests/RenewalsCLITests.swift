import Foundation
import Testing

/// The operations desk end to end: delivery, premiums due, collection, lapse, the report, the nightly list.
@Suite(.serialized) struct RenewalsCLITests {
    @Test func fromSaleToLapseOnTheCommandLine() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"])
        _ = try cli.run(["leads", "allocate", "--seed", "1"])
        let sale = try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "1200", "--mode", "monthly"])
        #expect(sale.status == 0, "\(sale.stderr)")

        // Delivery: late after 7 days, then delivered; a second delivery is refused.
        let late = try CLI.json(cli.run(["renewals", "undelivered", "--format", "json"], now: "2026-12-01T10:00")) as? [[String: Any]]
        #expect(late?.first?["policy_id"] as? Int == 1 && late?.first?["days_since_sale"] as? Int == 8)
        #expect(try cli.run(["renewals", "deliver", "--policy", "1", "--date", "2026-11-25"], now: "2026-12-01T10:00").status == 0)
        let twice = try cli.run(["renewals", "deliver", "--policy", "1"], now: "2026-12-01T10:00")
        #expect(twice.status != 0 && twice.stderr.contains("delivered on 2026-11-25"))

        // The first monthly premium, 100 yuan, is due on 2026-12-23.
        let due = try #require(try CLI.json(cli.run(["renewals", "due", "--format", "json"], now: "2026-12-01T10:00")) as? [[String: Any]])
        #expect(due.count == 1 && due[0]["amount"] as? Double == 100 && due[0]["due_on"] as? String == "2026-12-23")
        for key in ["policy_id", "lead_id", "agent_code", "team", "customer", "product", "mode", "installment", "amount", "due_on", "grace_until", "days_overdue"] {
            #expect(due[0].keys.contains(key), "renewals due lacks \(key)")
        }
        let wrong = try cli.run(["renewals", "collect", "--policy", "1", "--amount", "120"], now: "2026-12-20T10:00")
        #expect(wrong.status != 0 && wrong.stderr.contains("100.00"), "\(wrong.stderr)")
        let paid = try cli.run(["renewals", "collect", "--policy", "1", "--amount", "100"], now: "2026-12-20T10:00")
        #expect(paid.status == 0 && paid.stdout.contains("next due 2027-01-23"), "\(paid.stdout)\(paid.stderr)")
        // In the agent's queue a week before the next one is due.
        let queue = try CLI.json(cli.run(["queue", "next", "--agent", "A001", "--format", "json"], now: "2027-01-16T10:00")) as? [[String: Any]]
        #expect(queue?.first?["reason"] as? String == "renewal")

        // Unpaid past 60 days of grace: the nightly run lapses it and lists nothing due.
        let out = cli.folder.appendingPathComponent("out").path
        let nightly = try CLI.json(cli.run(["daily", "--date", "2027-03-25", "--out", out, "--format", "json"], now: "2027-03-24T23:00")) as? [String: Any]
        #expect(nightly?["lapsed"] as? Int == 1 && nightly?["renewals_due"] as? Int == 0, "\(String(describing: nightly))")
        let list = try String(contentsOfFile: out + "/reports/renewals-due-2027-03-25.csv", encoding: .utf8)
        #expect(list.hasPrefix("policy_id,agent,team,customer,product,mode,installment,amount,due_on,grace_until,days_overdue\n"))
        let report = try #require(try CLI.json(cli.run(["renewals", "report", "--month", "2027-03", "--format", "json"], now: "2027-03-31T10:00")) as? [String: Any])
        let center = try #require(report["center"] as? [String: Any])
        #expect(center["lapses"] as? Int == 1 && center["lapsed_premium"] as? Double == 1_200)
        let december = try #require(try CLI.json(cli.run(["renewals", "report", "--month", "2026-12", "--format", "json"], now: "2027-03-31T10:00")) as? [String: Any])
        #expect((december["center"] as? [String: Any])?["collection_rate"] as? Double == 1)
        let table = try cli.run(["renewals", "report", "--month", "2026-12"], now: "2027-03-31T10:00")
        #expect(table.status == 0 && table.stdout.contains("100.0%") && table.stdout.contains("一组"))
        let badMonth = try cli.run(["renewals", "report", "--month", "2027-13"])
        #expect(badMonth.status != 0 && badMonth.stderr.contains("--month"))
        #expect(try cli.run(["check"], now: "2027-03-31T10:00").status == 0)
    }
}
