import Foundation
import Testing

/// The agent's day end to end: queue, calls, sale, stabilisation, cross-sell, audit of reveals.
@Suite(.serialized) struct AgentCLITests {
    /// A call on a lead that is not the agent's says whose it is: another agent's, or the pool's.
    @Test func aCallOnALeadNotTheAgentsSaysWhoseItIs() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\nA002,李娜,二组,2024-03-01,core\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"])
        let pool = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "no_answer"])
        #expect(pool.status == 0 && pool.stdout.contains("recorded no_answer on lead 1 (a lead in the pool)"), "\(pool.stdout)\(pool.stderr)")
        #expect(try cli.run(["leads", "allocate", "--seed", "1", "--team", "二组"]).status == 0)
        let held = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "busy"], now: "2026-11-23T11:00")
        #expect(held.status == 0 && held.stdout.contains("recorded busy on lead 1 (a lead held by A002)"), "\(held.stdout)\(held.stderr)")
        let own = try cli.run(["calls", "log", "--agent", "A002", "--lead", "1", "--disposition", "busy"], now: "2026-11-23T12:00")
        #expect(own.status == 0 && !own.stdout.contains("(a lead"), "\(own.stdout)\(own.stderr)")
        // A customer: whose customer, not "held by no agent"; a closed lead: last held by.
        #expect(try cli.run(["calls", "log", "--agent", "A002", "--lead", "1", "--disposition", "sale", "--product", "ACC01", "--premium", "300",
                             "--talk-seconds", "300"], now: "2026-11-23T13:00").status == 0)
        let customer = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "30"], now: "2026-11-23T14:00")
        #expect(customer.status == 0 && customer.stdout.contains("(a customer of A002)"), "\(customer.stdout)\(customer.stderr)")
        _ = try cli.run(["leads", "import", cli.write("m.csv", "phone,name,age\n13900000002,李四,40\n"), "--source", "v"])
        #expect(try cli.run(["leads", "allocate", "--seed", "1", "--team", "二组"]).status == 0)
        #expect(try cli.run(["calls", "log", "--agent", "A002", "--lead", "2", "--disposition", "refused", "--talk-seconds", "30"], now: "2026-11-23T15:00").status == 0)
        let closed = try cli.run(["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "busy"], now: "2026-11-23T16:00")
        #expect(closed.status == 0 && closed.stdout.contains("(a lost lead, last held by A002)"), "\(closed.stdout)\(closed.stderr)")
    }

    /// A file with many callbacks past the agent's cap: the first 20 caveats by line, then how
    /// many more, instead of a line each on the terminal; all of them in the JSON.
    @Test func manyCaveatsOfACallsImportAreSummed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        var leads = "phone,name,age\n"
        for n in 1...30 { leads += "139000000\(String(format: "%02d", n)),客户\(n),30\n" }
        _ = try cli.run(["leads", "import", cli.write("l.csv", leads), "--source", "v"])
        #expect(try cli.run(["leads", "allocate", "--seed", "1"]).status == 0)
        let config = try cli.write("cap.toml", "[leads.recycling]\nmax_open_callbacks = 2\n")
        var calls = "call_id,agent_code,lead_id,started_at,talk_seconds,disposition,callback_at\n"
        // In reverse time order, so the caveats come out of the replay in an order the lines are not.
        for n in (1...27).reversed() { calls += "k\(n),A001,\(n),2026-11-23T\(String(format: "%02d", 9 + n / 6)):\(String(format: "%02d", n % 6 * 10)):00,60,callback,2026-11-25T15:00\n" }
        let file = try cli.write("calls.csv", calls)
        let table = try cli.run(["calls", "import", file, "--config", config], now: "2026-11-23T21:00")
        #expect(table.status == 0, "\(table.stderr)")
        let caveats = table.stderr.split(separator: "\n").filter { $0.contains("open callbacks (the cap is 2)") }
        #expect(caveats.count == 20, "\(table.stderr)")
        #expect(caveats.first?.hasPrefix("calls.csv:2: ") == true && caveats.last?.hasPrefix("calls.csv:21: ") == true, "\(caveats)")
        #expect(table.stderr.contains("calls.csv: ... and 5 more rows recorded with a caveat (all 25 in --format json)"), "\(table.stderr)")
    }

    @Test func anAgentsDay() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age,marital,children\n13900000001,张三,30,已婚,1\n13900000002,李四,40,,\n"), "--source", "v"])
        _ = try cli.run(["leads", "allocate", "--seed", "1"])
        let queue = try cli.run(["queue", "next", "--agent", "A001", "--format", "json"])
        let rows = try #require(try CLI.json(queue) as? [[String: Any]])
        #expect(rows.count == 2 && rows[0]["reason"] as? String == "new" && rows[0]["phone"] as? String == "139****0001")
        for key in ["lead_id", "name", "phone", "grade", "reason", "follow_up", "due_at", "purpose"] {
            #expect(rows[0].keys.contains(key), "queue next lacks \(key)")
        }
        let logged = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "interested", "--talk-seconds", "240"])
        #expect(logged.status == 0 && logged.stdout.contains("next call due 2026-11-24T10:00:00"), "\(logged.stdout)\(logged.stderr)")
        let sale = try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"], now: "2026-11-24T10:00")
        #expect(sale.status == 0 && sale.stdout.contains("stabilisation call due 2026-11-26"))
        let stabilize = try CLI.json(cli.run(["queue", "next", "--agent", "A001", "--format", "json"], now: "2026-11-26T10:30")) as? [[String: Any]]
        #expect(stabilize?.first?["reason"] as? String == "stabilize")
        // Revealing phones is audited.
        let revealed = try cli.run(["queue", "next", "--agent", "A001", "--reveal-phones"], now: "2026-11-26T10:30")
        #expect(revealed.stdout.contains("13900000001"))
        // Past free-look the cross-sell queue offers the spouse's accident cover first.
        let offers = try #require(try CLI.json(cli.run(["queue", "cross-sell", "--agent", "A001", "--format", "json"], now: "2026-12-10T10:00")) as? [[String: Any]])
        #expect(offers.first?["member"] as? String == "spouse" && offers.first?["line"] as? String == "accident")
        for key in ["lead_id", "customer", "member", "member_age", "line", "product", "reason", "rank"] {
            #expect(offers[0].keys.contains(key), "queue cross-sell lacks \(key)")
        }
        let family = try cli.run(["customers", "family", "add", "--lead", "1", "--relation", "parent", "--age", "62"])
        #expect(family.status == 0, "\(family.stderr)")
        let late = try cli.run(["sales", "cancel", "--policy", "1", "--reason", "x"], now: "2026-12-10T10:00")
        #expect(late.status != 0 && late.stderr.contains("free-look ended"))
        let calls = try cli.write("calls.csv", "call_id,agent_code,lead_id,started_at,talk_seconds,disposition\nd1,A001,2,2026-11-24T11:00:00,0,no_answer\nd1,A001,2,2026-11-24T11:00:00,0,no_answer\n")
        let imported = try CLI.json(cli.run(["calls", "import", calls, "--format", "json"], now: "2026-11-24T21:00")) as? [String: Any]
        #expect(imported?["imported"] as? Int == 1 && imported?["already_imported"] as? Int == 1)
        #expect(try cli.run(["check"]).status == 0)
    }

    /// A dialer that still dials a number on the do-not-call list: its calls after the listing
    /// are refused by line (an outside audit found them recorded, and `check` then failing), the
    /// listing call itself and calls before it stand, and `check` stays clean.
    @Test func aCallAfterItsNumberWentOnTheDoNotCallListIsRefused() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,客户1,30\n13900000002,客户2,31\n"), "--source", "v"])
        #expect(try cli.run(["leads", "allocate", "--seed", "1"]).status == 0)
        #expect(try cli.run(["leads", "dnc", "add", "13900000002"], now: "2026-11-23T11:00").status == 0)
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,lead_id,started_at,talk_seconds,disposition
            c1,A001,1,2026-11-23T10:00:00,30,connected
            c2,A001,1,2026-11-23T10:01:00,20,dnc
            c3,A001,1,2026-11-23T12:00:00,0,no_answer
            c4,A001,2,2026-11-23T10:30:00,0,no_answer
            c5,A001,2,2026-11-23T11:30:00,0,no_answer

            """)
        let imported = try cli.run(["calls", "import", calls, "--format", "json"], now: "2026-11-23T21:00")
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try CLI.json(imported) as? [String: Any])
        #expect(summary["imported"] as? Int == 3, "\(summary)")
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [4, 6], "\(rejected)")
        #expect((rejected.first?["reason"] as? String)?.contains("139****0001 has been on the do-not-call list since 2026-11-23T10:01:00") == true, "\(rejected)")
        #expect((rejected.last?["reason"] as? String)?.contains("139****0002 has been on the do-not-call list since 2026-11-23T11:00:00") == true, "\(rejected)")
        let check = try cli.run(["check"], now: "2026-11-23T21:00")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let logged = try cli.run(["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "busy"], now: "2026-11-23T21:05")
        #expect(logged.status != 0 && logged.stderr.contains("has been on the do-not-call list since"), "\(logged.stderr)")
    }
}
