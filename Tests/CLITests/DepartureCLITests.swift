import CallOpsCore
import Foundation
import Testing

/// `roster leave` and the roster import's departures, end to end (SPEC sections 4, 7 and 13).
@Suite(.serialized) struct DepartureCLITests {
    /// A001 holds five leads of 一组 and sells two of them (customer 2 pays monthly); lead 3 has
    /// a callback; A002 already serves one customer (lead 6), A003 none; B001 is in another team.
    func floor(_ cli: CLI) throws {
        func ok(_ arguments: [String], now: String = "2026-11-23T10:00") throws {
            let result = try cli.run(arguments, now: now)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        try ok(["roster", "import", cli.write("r1.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        var leads = "phone,name,age,marital,children\n"
        for i in 1...6 { leads += "1390000000\(i),客户\(i),3\(i),已婚,1\n" }
        try ok(["leads", "import", cli.write("l.csv", leads), "--source", "v"])
        try ok(["leads", "allocate", "--seed", "1"])
        try ok(["roster", "import", cli.write("r2.csv", """
            agent_code,name,team,hire_date,tier,role
            A002,李娜,一组,2024-05-01,core,
            A003,王强,一组,2024-06-01,core,
            B001,赵敏,二组,2024-01-01,core,
            L001,刘洋,一组,2023-01-01,core,lead

            """)])
        try ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"])
        try ok(["sales", "record", "--lead", "2", "--agent", "A001", "--product", "CI01", "--premium", "6000", "--mode", "monthly"])
        try ok(["sales", "record", "--lead", "6", "--agent", "A002", "--product", "ACC01", "--premium", "300"])
        try ok(["calls", "log", "--agent", "A001", "--lead", "3", "--disposition", "callback", "--talk-seconds", "60",
                "--callback-at", "2026-12-02T10:00"])
        // L001 leads the team and serves customers too: give them two so A003 is the emptiest.
        for lead in ["4", "5"] {
            try ok(["sales", "record", "--lead", lead, "--agent", "L001", "--product", "ACC01", "--premium", "300"])
        }
    }

    @Test func aDepartureOnTheFirstDayOfAMonthHandsCustomersToTheFewest() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        let now = "2026-12-01T10:30"
        let left = try cli.run(["roster", "leave", "--agent", "A001", "--date", "2026-12-01", "--reason", "moved city",
                                "--seed", "7", "--format", "json"], now: now)
        #expect(left.status == 0, "\(left.stderr)")
        let result = try #require(try CLI.json(left) as? [String: Any])
        #expect(result["agent_code"] as? String == "A001" && result["left_on"] as? String == "2026-12-01")
        #expect(result["callbacks_moved"] as? Int == 1)
        // Customer 1 goes to A003 (no customers); then A002 and A003 have one each: the seed decides.
        var draw = SeededRandom(seed: 7)
        let tied = ["A002", "A003"][Int(draw.next() % 2)]
        let handed = try #require(result["customers_handed_over"] as? [[String: Any]])
        #expect(handed.map { "\($0["customer"] as? Int ?? 0)→\($0["to"] as? String ?? "?")" } == ["1→A003", "2→\(tied)"])
        // The leads A001 held and had not sold are back in the pool (not lead 3: its callback moved).
        #expect(result["leads_released"] as? Int == 0)

        // The roster shows the day and the roles; null where none.
        let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
        let a001 = try #require(roster.first { $0["agent_code"] as? String == "A001" })
        #expect(a001["status"] as? String == "left" && a001["left_on"] as? String == "2026-12-01" && a001["seat"] is NSNull)
        let a002 = try #require(roster.first { $0["agent_code"] as? String == "A002" })
        #expect(a002["left_on"] is NSNull && a002["role"] as? String == "agent")
        #expect(roster.first { $0["agent_code"] as? String == "L001" }?["role"] as? String == "lead")

        // The new servicing agent's queue holds customer 1's stabilisation call; sales stay with A001.
        let queue = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "A003", "--format", "json"], now: now)) as? [[String: Any]])
        #expect(queue.contains { $0["lead_id"] as? Int == 1 && $0["reason"] as? String == "stabilize" }, "\(queue)")
        // Customer 2 pays monthly: the renewal reminder of 2026-12-23 reaches its servicing agent's queue.
        let renewal = try #require(try CLI.json(cli.run(["queue", "next", "--agent", tied, "--format", "json"], now: "2026-12-17T10:00")) as? [[String: Any]])
        #expect(renewal.contains { $0["lead_id"] as? Int == 2 && $0["reason"] as? String == "renewal" }, "\(renewal)")
        let due = try #require(try CLI.json(cli.run(["renewals", "due", "--format", "json"], now: "2026-12-17T10:00")) as? [[String: Any]])
        #expect(due.first { $0["lead_id"] as? Int == 2 }?["agent_code"] as? String == tied)
        // Cross-sell past free-look goes to the servicing agent too.
        let offers = try #require(try CLI.json(cli.run(["queue", "cross-sell", "--agent", "A003", "--format", "json"], now: "2026-12-17T10:00")) as? [[String: Any]])
        #expect(offers.first?["lead_id"] as? Int == 1)
        // The hand-over is in the customer's story.
        let why = try cli.run(["leads", "why", "1"], now: now)
        #expect(why.stdout.contains("handed_over") && why.stdout.contains("customer handed over from A001 to A003: agent A001 left on 2026-12-01 (moved city)"), "\(why.stdout)")
        #expect(try cli.run(["check"], now: now).status == 0)
        // Leaving twice is refused and changes nothing.
        let again = try cli.run(["roster", "leave", "--agent", "A001", "--date", "2026-12-01"], now: now)
        #expect(again.status != 0 && again.stderr.contains("already left on 2026-12-01"))
    }

    @Test func aDepartureOnTheLastDayOfAMonthToANamedSuccessor() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        let now = "2026-11-30T09:30"
        let left = try cli.run(["roster", "leave", "--agent", "A001", "--date", "2026-11-30", "--to", "B001", "--format", "json"], now: now)
        #expect(left.status == 0, "\(left.stderr)")
        let result = try #require(try CLI.json(left) as? [String: Any])
        let handed = try #require(result["customers_handed_over"] as? [[String: Any]])
        #expect(handed.map { $0["to"] as? String } == ["B001", "B001"])
        #expect(result["callbacks_moved"] as? Int == 1)
        let why = try cli.run(["leads", "why", "3", "--format", "json"], now: now)
        let story = try #require(try CLI.json(why) as? [String: Any])
        #expect(story["owner"] as? String == "B001")
        let queue = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "B001", "--format", "json"], now: now)) as? [[String: Any]])
        #expect(Set(queue.filter { $0["reason"] as? String == "stabilize" }.compactMap { $0["lead_id"] as? Int }) == [1, 2], "\(queue)")
        #expect(try cli.run(["check"], now: now).status == 0)
    }

    @Test func badDeparturesChangeNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        let now = "2026-11-30T09:30"
        for (arguments, message) in [
            (["--date", "2024-02-29"], "on or after agent A001's hire date 2024-03-01"),
            (["--date", "2026-12-05"], "a day up to today (2026-11-30)"),
            (["--date", "2026-11-31"], "is not a real date"),
            (["--date", "2026-11-30", "--to", "A001"], "another agent than the one leaving"),
            (["--date", "2026-11-30", "--to", "Z999"], "Z999"),
        ] {
            let result = try cli.run(["roster", "leave", "--agent", "A001"] + arguments, now: now)
            #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
        #expect(roster.first { $0["agent_code"] as? String == "A001" }?["status"] as? String == "active")
    }

    @Test func aRosterImportThatMarksAnAgentLeftRunsTheSameDeparture() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        let now = "2026-12-01T10:30"
        // left_on with another status is refused, naming the line and field, and nothing changes.
        let bad = try cli.run(["roster", "import", cli.write("bad.csv", "agent_code,name,team,hire_date,status,left_on\nA001,张伟,一组,2024-03-01,active,2026-11-30\n")], now: now)
        #expect(bad.status != 0 && bad.stderr.contains("bad.csv:2: left_on: is given but status is active"), "\(bad.stderr)")
        let left = try cli.run(["roster", "import", cli.write("left.csv", "agent_code,name,team,hire_date,status,left_on\nA001,张伟,一组,2024-03-01,left,2026-11-30\n")], now: now)
        #expect(left.status == 0 && left.stdout.contains("agent A001 left on 2026-11-30"), "\(left.stdout)\(left.stderr)")
        let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
        #expect(roster.first { $0["agent_code"] as? String == "A001" }?["left_on"] as? String == "2026-11-30")
        let why = try cli.run(["leads", "why", "1"], now: now)
        #expect(why.stdout.contains("customer handed over from A001 to A003"), "\(why.stdout)")
        #expect(try cli.run(["check"], now: now).status == 0)
        // Without left_on, the day the status is recorded is the leaving day.
        let b = try cli.run(["roster", "import", cli.write("b.csv", "agent_code,name,team,hire_date,status\nA002,李娜,一组,2024-05-01,left\n")], now: now)
        #expect(b.status == 0, "\(b.stderr)")
        let after = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"], now: now)) as? [[String: Any]])
        #expect(after.first { $0["agent_code"] as? String == "A002" }?["left_on"] as? String == "2026-12-01")
    }

    /// The dialer's file of A001's last day comes in after the departure: the sale of that day
    /// stands and its customer goes to the teammate with the fewest customers, so `check` stays
    /// clean; a call by A001 on their first day away, and one dated after now, are refused by
    /// line; a sale recorded for A001 after the departure is refused.
    @Test func aLeaversLastDayImportedAfterTheDepartureHandsItsCustomerOver() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        let now = "2026-12-01T21:00"
        let left = try cli.run(["roster", "leave", "--agent", "A001", "--date", "2026-12-01", "--seed", "7"], now: "2026-12-01T10:30")
        #expect(left.status == 0, "\(left.stderr)")
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,phone,lead_id,started_at,talk_seconds,disposition,callback_at,product,premium,insured,note
            D1,A001,,3,2026-11-30T15:00:00,300,sale,,ACC01,300,self,
            D2,A001,,5,2026-12-01T09:00:00,60,connected,,,,,
            D3,A002,,6,2026-12-02T09:00:00,60,connected,,,,,
            D4,A002,,6,2026-12-01T21:05:00,60,connected,,,,,

            """)
        let imported = try cli.run(["calls", "import", calls, "--format", "json"], now: now)
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["imported"] as? Int == 2 && summary["sales"] as? Int == 1, "\(summary)")
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [3, 4], "\(rejected)")
        #expect((rejected.first?["reason"] as? String)?.contains("agent A001 left on 2026-12-01 (the first day away); a call or sale on 2026-12-01 cannot be theirs") == true)
        #expect(rejected.last?["field"] as? String == "started_at"
                && (rejected.last?["reason"] as? String)?.contains("2026-12-02T09:00:00 is after now (2026-12-01T21:00:00)") == true)
        let handed = try #require(summary["customers_handed_over"] as? [[String: Any]])
        #expect(handed.map { $0["customer"] as? Int } == [3] && (summary["customers_unserved"] as? [Any])?.isEmpty == true, "\(summary)")
        // Customer 3 is A001's sale, served by the teammate with the fewest customers: the
        // departure gave customer 1 to A003 and customer 2 to A002 or A003 by the seed; A002
        // serves customer 6 already, L001 two.
        var draw = SeededRandom(seed: 7)
        let taker = ["A002", "A003"][Int(draw.next() % 2)] == "A002" ? "A003" : "A002"
        let why = try cli.run(["leads", "why", "3"], now: now)
        #expect(why.stdout.contains("customer handed over from A001 to \(taker): sold by agent A001, who has left, to the teammate with the fewest customers (1)"),
                "\(why.stdout)")
        let check = try cli.run(["check"], now: now)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // The story is told in time order: the sale of the 30th before the departure's lines of
        // the 1st, though written after them.
        let story = try #require(try CLI.json(cli.run(["leads", "why", "3", "--format", "json"], now: now)) as? [String: Any])
        let times = try #require(story["history"] as? [[String: Any]]).compactMap { $0["at"] as? String }
        #expect(times.count >= 4 && times == times.sorted(), "\(times)")
        let sale = try cli.run(["sales", "record", "--lead", "5", "--agent", "A001", "--product", "ACC01", "--premium", "300"], now: now)
        #expect(sale.status != 0 && sale.stderr.contains("agent A001 left on 2026-12-01"), "\(sale.stderr)")
    }

    /// A leaver's sale in a team with no one else active: the import says the customer is still
    /// the leaver's and how to hand them over; the same departure with `--to` does it and
    /// `check` is clean. A sale recorded with `--now` before the departure day is handed over
    /// as the import hands it.
    @Test func aLeaversCustomerNoTeammateCanTakeIsSaidAndHandedOverByTheSameDeparture() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try floor(cli)
        // B001 holds lead 7, which the departure releases; the sale of the day before comes after.
        #expect(try cli.run(["leads", "import", cli.write("l7.csv", "phone,name,age\n13900000007,客户7,37\n"), "--source", "v"]).status == 0)
        #expect(try cli.run(["leads", "allocate", "--seed", "1", "--team", "二组"]).status == 0)
        #expect(try cli.run(["roster", "leave", "--agent", "B001", "--date", "2026-11-25"], now: "2026-11-25T09:00").status == 0)
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,phone,lead_id,started_at,talk_seconds,disposition,callback_at,product,premium,insured,note
            E1,B001,,7,2026-11-24T15:00:00,300,sale,,ACC01,300,self,

            """)
        let imported = try cli.run(["calls", "import", calls, "--format", "json"], now: "2026-11-30T21:00")
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        let unserved = try #require(summary["customers_unserved"] as? [String])
        let advice = "customer (lead 7) sold by agent B001, who has left, is still theirs: team 二组 has no active agent to take them; hand them over with `callops roster leave --agent B001 --date 2026-11-25 --to AGENT`"
        #expect(unserved == [advice], "\(summary)")
        // The story is told in time order: the sale of the 24th before the release of the 25th,
        // though written after it.
        let story = try #require(try CLI.json(cli.run(["leads", "why", "7", "--format", "json"], now: "2026-11-30T21:00")) as? [String: Any])
        let times = try #require(story["history"] as? [[String: Any]]).compactMap { $0["at"] as? String }
        #expect(times.count >= 3 && times == times.sorted(), "\(times)")
        let table = try cli.run(["calls", "import", calls], now: "2026-11-30T21:00")
        #expect(table.status == 0)
        let orphaned = try cli.run(["check"], now: "2026-11-30T21:00")
        #expect(orphaned.status != 0 && (orphaned.stdout + orphaned.stderr).contains("`callops roster leave --agent B001 --date 2026-11-25 --to AGENT`"),
                "\(orphaned.stdout)\(orphaned.stderr)")
        // Another day than the departure's is refused as before; the same day hands over.
        let wrongDay = try cli.run(["roster", "leave", "--agent", "B001", "--date", "2026-11-26", "--to", "A002"], now: "2026-11-30T21:10")
        #expect(wrongDay.status != 0 && wrongDay.stderr.contains("already left on 2026-11-25"), "\(wrongDay.stderr)")
        let again = try cli.run(["roster", "leave", "--agent", "B001", "--date", "2026-11-25", "--to", "A002", "--format", "json"], now: "2026-11-30T21:10")
        #expect(again.status == 0, "\(again.stderr)")
        let result = try #require(try CLI.json(again) as? [String: Any])
        #expect((result["customers_handed_over"] as? [[String: Any]])?.map { $0["to"] as? String } == ["A002"], "\(result)")
        let check = try cli.run(["check"], now: "2026-11-30T21:10")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        // A001 leaves on 12-01; a sale to a new customer recorded for 11-30 (the day before) hands
        // the customer over.
        #expect(try cli.run(["leads", "import", cli.write("l8.csv", "phone,name,age\n13900000008,客户8,38\n"), "--source", "v"], now: "2026-11-30T09:00").status == 0)
        #expect(try cli.run(["roster", "leave", "--agent", "A001", "--date", "2026-12-01", "--seed", "7"], now: "2026-12-01T10:30").status == 0)
        let sale = try cli.run(["sales", "record", "--lead", "8", "--agent", "A001", "--product", "ACC01", "--premium", "300"], now: "2026-11-30T16:00")
        #expect(sale.status == 0 && sale.stderr.contains("customer (lead 8) of an agent who has left handed over to"), "\(sale.stdout)\(sale.stderr)")
        #expect(try cli.run(["check"], now: "2026-12-01T11:00").status == 0)
    }
}
