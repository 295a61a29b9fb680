import CallOpsCore
import Foundation
import Testing

/// `customers touch`, `calls log --purpose nurture`, `customers programme` and the programme
/// figures of the seat report, on the built binary (SPEC sections 7 and 13).
@Suite(.serialized) struct ProgrammeCLITests {
    @Test func aNewCustomersProgrammeEndToEnd() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age,marital,children\n13900000001,客户1,31,已婚,1\n13900000002,客户2,40,,\n"), "--source", "v"])
        try cli.ok(["leads", "allocate", "--seed", "1"])
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"])
        // The stabilisation call is the care contact; a gift and a nurture call are the two touches.
        try cli.ok(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "120"], now: "2026-11-25T10:00")
        try cli.ok(["customers", "touch", "--customer", "1", "--kind", "gift", "--date", "2026-11-26", "--note", "生日"], now: "2026-11-27T09:30")
        let nurture = try cli.ok(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "200",
                              "--purpose", "nurture"], now: "2026-11-27T10:00")
        #expect(nurture.stdout.contains("a nurturing touch"), "\(nurture.stdout)")

        // Bad input names the option and changes nothing.
        let before = try cli.ok(["customers", "programme", "--format", "json"], now: "2026-11-27T11:00").stdout
        for (arguments, words) in [(["customers", "touch", "--customer", "2", "--kind", "gift"], "lead 2"),
                                   (["customers", "touch", "--customer", "1", "--kind", "party"], "--kind"),
                                   (["customers", "touch", "--customer", "1", "--kind", "visit", "--date", "2026-13-01"], "--date"),
                                   (["customers", "touch", "--customer", "1", "--kind", "visit", "--date", "2026-12-01"], "--date"),
                                   (["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "connected", "--purpose", "nurture"], "--purpose"),
                                   (["customers", "programme", "--agent", "A001", "--team", "一组"], "--team")] {
            let refused = try cli.run(arguments, now: "2026-11-27T11:00")
            #expect(refused.status != 0 && refused.stderr.contains(words), "\(arguments): \(refused.stderr)")
        }
        #expect(try cli.ok(["customers", "programme", "--format", "json"], now: "2026-11-27T11:00").stdout == before)

        let rows = try #require(try CLI.json(cli.run(["customers", "programme", "--format", "json"], now: "2026-11-27T11:00")) as? [[String: Any]])
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(row["customer"] as? Int == 1 && row["name"] as? String == "客户1" && row["agent_code"] as? String == "A001")
        #expect(row["programme"] as? String == "121" && row["window_start"] as? String == "2026-11-23" && row["window_end"] as? String == "2027-02-21")
        let steps = try #require(row["steps"] as? [String: [String: Int]])
        #expect(steps == ["care": ["done": 1, "required": 1], "touches": ["done": 2, "required": 2],
                          "attempts": ["done": 0, "required": 1], "referrals": ["done": 0, "required": 0]])
        #expect(row["complete"] as? Bool == false && (row["overdue"] as? [String])?.isEmpty == true)
        // CSV flattens the steps; --due-within and --team select.
        let csv = try cli.ok(["customers", "programme", "--format", "csv"], now: "2026-11-27T11:00").stdout
        #expect(csv.hasPrefix("customer,name,agent_code,programme,window_start,window_end,steps_care_done,steps_care_required,"), "\(csv)")
        #expect((try CLI.json(cli.run(["customers", "programme", "--due-within", "7", "--format", "json"], now: "2026-11-27T11:00")) as? [Any])?.isEmpty == true)
        #expect(try CLI.json(cli.run(["customers", "programme", "--team", "一组", "--format", "json"], now: "2026-11-27T11:00")) as? [[String: Any]] != nil)

        // The attempt falls due 14 days before day 90: the queue serves it with reason programme,
        // and daily lists it.
        let queue = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "A001", "--format", "json"], now: "2027-02-10T10:00")) as? [[String: Any]])
        #expect(queue.first?["reason"] as? String == "programme" && queue.first?["lead_id"] as? Int == 1, "\(queue)")
        let out = cli.folder.appendingPathComponent("daily").path
        try cli.ok(["daily", "--date", "2027-02-10", "--out", out], now: "2027-02-09T22:00")
        let due = try String(contentsOfFile: out + "/reports/programme-due-2027-02-10.csv", encoding: .utf8)
        #expect(due.contains("A001,1,客户1,121,2026-11-23,2027-02-21,11,1/1,2/2,0/1,0/0,attempts,,2027-02-21"), "\(due)")
        let again = out + "2"
        try cli.ok(["daily", "--date", "2027-02-10", "--out", again], now: "2027-02-09T23:00")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again + "/reports/programme-due-2027-02-10.csv")) == Data(contentsOf: URL(fileURLWithPath: out + "/reports/programme-due-2027-02-10.csv")))

        // The seat report: referrals this month against 4, and the 121 rate (none due yet: null).
        try cli.ok(["customers", "referral", "add", "--customer", "1", "--name", "王五", "--phone", "13900000009"], now: "2026-11-28T10:00")
        let report = try #require(try CLI.json(cli.run(["seats", "report", "--format", "json"], now: "2026-11-28T11:00")) as? [String: Any])
        let agent = try #require((report["agents"] as? [[String: Any]])?.first)
        #expect(agent["referrals"] as? Int == 1 && agent["referrals_target"] as? Int == 4 && agent["programme_121_rate"] is NSNull)
        let march = try #require(try CLI.json(cli.run(["seats", "report", "--month", "2027-02", "--format", "json"], now: "2027-03-01T11:00")) as? [String: Any])
        #expect((march["agents"] as? [[String: Any]])?.first?["programme_121_rate"] as? Double == 0)
    }

    /// A programme contact and a renewal premium are due on a day; the queue and daily's queue
    /// CSV give that day's first calling slot, never its midnight (SPEC section 6).
    @Test func programmeAndRenewalContactsAreDueInsideTheCallingWindows() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13900000001,客户1,31\n13900000002,客户2,40\n")
        try cli.ok(["sales", "record", "--lead", "2", "--agent", "A001", "--product", "ACC01", "--premium", "300", "--mode", "monthly"])
        let queue = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "A001", "--format", "json"], now: "2027-02-10T10:00")) as? [[String: Any]])
        let due = queue.map { "\($0["reason"] as? String ?? "") \($0["due_at"] as? String ?? "")" }
        // The default windows open at 09:00.
        #expect(due.contains { $0.hasPrefix("programme ") && $0.hasSuffix("T09:00:00") } && due.contains { $0.hasPrefix("renewal ") && $0.hasSuffix("T09:00:00") }, "\(due)")
        #expect(!due.contains { $0.hasSuffix("T00:00:00") }, "\(due)")
        let out = cli.folder.appendingPathComponent("daily").path
        try cli.ok(["daily", "--date", "2027-02-10", "--out", out], now: "2027-02-09T22:00")
        let csv = try String(contentsOfFile: out + "/queues/A001.csv", encoding: .utf8)
        #expect(csv.contains("programme") && csv.contains("renewal") && !csv.contains("T00:00:00"), "\(csv)")
    }

    /// The people-facing seat reports (the terminal table, daily's seats and team CSV and HTML)
    /// show referrals against the target and the 121 rate, as JSON does (SPEC section 7).
    @Test func theSeatTablesShowReferralsAndThe121Rate() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13900000001,客户1,31\n")
        try cli.ok(["customers", "referral", "add", "--customer", "1", "--name", "王五", "--phone", "13900000009"], now: "2026-11-28T10:00")
        let table = try cli.ok(["seats", "report"], now: "2026-11-28T11:00").stdout
        let lines = table.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("agent") })
        let a001 = try #require(lines.first { $0.hasPrefix("A001") })
        #expect(header.contains("referrals") && header.contains("121 done") && a001.contains("1/4"), "\(table)")
        // Lined up: the referrals figure ends where its heading does.
        let column = try #require(header.range(of: "referrals")).upperBound
        let figure = try #require(a001.range(of: "1/4")).upperBound
        #expect(Table.displayWidth(String(header[..<column])) == Table.displayWidth(String(a001[..<figure])), "\(table)")
        let out = cli.folder.appendingPathComponent("daily").path
        try cli.ok(["daily", "--date", "2026-11-29", "--out", out], now: "2026-11-28T22:00")
        let reports = try FileManager.default.contentsOfDirectory(atPath: out + "/reports").filter {
            ($0.hasPrefix("seats-") || $0.hasPrefix("team-")) && ($0.hasSuffix(".csv") || $0.hasSuffix(".html"))
        }
        #expect(reports.count == 4, "\(reports)")
        for name in reports {
            let text = try String(contentsOfFile: out + "/reports/" + name, encoding: .utf8)
            #expect(text.contains("referrals") && text.contains("121 done") && text.contains("1/4"), "\(name): \(text.prefix(600))")
        }
    }

    /// A customer id that names no lead is refused as no lead, not as a lead without a policy.
    @Test func anUnknownCustomerIsNoLead() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13900000001,客户1,31\n")
        let leads = try cli.sqlite("SELECT COUNT(*) FROM lead")
        for (arguments, words) in [(["customers", "touch", "--customer", "999", "--kind", "gift"], "no lead \"999\""),
                                   (["customers", "referral", "add", "--customer", "99", "--name", "x", "--phone", "13911111111"], "no lead \"99\"")] {
            let refused = try cli.run(arguments, now: "2026-11-27T11:00")
            #expect(refused.status != 0 && refused.stderr.contains(words) && !refused.stderr.contains("no policy in force"), "\(arguments): \(refused.stderr)")
        }
        #expect(try cli.sqlite("SELECT COUNT(*) FROM lead") == leads)
        #expect(try cli.sqlite("SELECT COUNT(*) FROM customer_touch") == "0\n")
    }

    /// A referral's number that is already a lead is that lead, even when it is also on the
    /// do-not-call list: the import's order of checks (duplicate_existing first).
    @Test func aReferralThatIsAlreadyALeadOnTheDNCListIsThatLead() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13900000001,客户1,31\n13900000002,客户2,40\n")
        try cli.ok(["leads", "dnc", "add", "13900000002"])
        let refused = try cli.run(["customers", "referral", "add", "--customer", "1", "--name", "推", "--phone", "13900000002"], now: "2026-11-27T11:00")
        #expect(refused.status != 0 && refused.stderr.contains("is already lead 2") && !refused.stderr.contains("do-not-call"), "\(refused.stderr)")
        #expect(try cli.sqlite("SELECT COUNT(*) FROM lead") == "2\n")
    }

    /// `customers touch --help` lists only the kinds the option takes (`call` is a nurture call,
    /// refused here and logged with `calls log --purpose nurture`).
    @Test func theTouchHelpListsOnlyTheKindsItTakes() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let help = try cli.ok(["customers", "touch", "--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("values: event, gift, info, visit)") && !help.contains("visit, call"), "\(help)")
    }

    /// `calls log --disposition sale` records the call and its policy, as a sale row of a call
    /// file does; a sale without its product and premium is no policy and is refused (SPEC 6).
    @Test func aLoggedSaleCallRecordsItsPolicy() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13900000001,客户1,31\n13900000002,客户2,40\n")
        for (arguments, words) in [(["--disposition", "sale"], "--product"), (["--disposition", "sale", "--product", "ACC01"], "--premium"),
                                   (["--disposition", "connected", "--product", "ACC01", "--premium", "300"], "--disposition sale")] {
            let refused = try cli.run(["calls", "log", "--agent", "A001", "--lead", "2"] + arguments, now: "2026-11-24T10:00")
            #expect(refused.status != 0 && refused.stderr.contains(words), "\(arguments): \(refused.stderr)")
        }
        #expect(try cli.sqlite("SELECT COUNT(*) FROM call") == "0\n")
        try cli.ok(["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "sale", "--talk-seconds", "300",
                    "--product", "ACC01", "--premium", "300", "--mode", "monthly"], now: "2026-11-24T10:00")
        #expect(try cli.sqlite("SELECT lead_id, product FROM policy ORDER BY id") == "1|ACC01\n2|ACC01\n")
        #expect(try cli.sqlite("SELECT lead_id, disposition FROM call") == "2|sale\n")
    }
}
