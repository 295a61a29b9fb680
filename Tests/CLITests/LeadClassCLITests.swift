import Foundation
import Testing

/// Lead classes (seed 003: 缘故 warm, 转介绍 referral, 陌生 cold), end to end.
@Suite(.serialized) struct LeadClassCLITests {
    @Test func classesFromTheColumnOrTheWholeFileAndStatsByClass() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        func ok(_ arguments: [String]) throws -> CLI.Result {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        _ = try ok(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        // A column in Chinese or English; an unknown class rejects its row; an empty cell is the file's class.
        let mixed = try #require(try CLI.json(ok(["leads", "import", cli.write("a.csv", """
            phone,name,age,类别
            13900000001,张三,30,缘故
            13900000002,李四,40,转介绍
            13900000003,王五,35,
            13900000004,赵六,33,朋友

            """), "--source", "partner", "--format", "json"])) as? [String: Any])
        #expect(mixed["accepted"] as? Int == 3 && (mixed["rejected"] as? [String: Int])?["malformed_row"] == 1)
        _ = try ok(["leads", "import", cli.write("b.csv", "phone,name,age\n13900000005,钱七,31\n13900000006,孙八,32\n"), "--source", "friends", "--class", "warm"])
        let badClass = try cli.run(["leads", "import", cli.write("c.csv", "phone,name,age\n13900000007,周九,31\n"), "--source", "x", "--class", "hot"])
        #expect(badClass.status != 0 && badClass.stderr.contains("--class"))
        _ = try ok(["leads", "allocate", "--seed", "1"])
        _ = try ok(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "interested", "--talk-seconds", "200"])
        _ = try ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"])
        let stats = try #require(try CLI.json(ok(["leads", "stats", "--by", "class", "--format", "json"])) as? [[String: Any]])
        #expect(stats.map { $0["class"] as? String } == ["warm", "referral", "cold"])
        #expect(stats.map { $0["leads"] as? Int } == [3, 1, 1])
        #expect(stats[0]["sold"] as? Int == 1 && stats[0]["premium"] as? Double == 300 && stats[0]["conversion_rate"] as? Double == 1)
        #expect(stats[0]["allocated"] as? Int == 3 && stats[1]["conversion_rate"] is NSNull)
        for key in ["class", "leads", "allocated", "dialed", "contacted", "sold", "premium", "conversion_rate"] {
            #expect(stats[0].keys.contains(key), "leads stats --by class lacks \(key)")
        }
        let partner = try #require(try CLI.json(ok(["leads", "stats", "--by", "class", "--source", "partner", "--format", "json"])) as? [[String: Any]])
        #expect(partner.map { $0["leads"] as? Int } == [1, 1, 1])
    }
}

/// Referrals from customers go straight to the agent who serves the customer (SPEC section 7).
@Suite(.serialized) struct ReferralCLITests {
    @Test func aReferralIsALeadOfTheServicingAgent() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        func ok(_ arguments: [String], now: String = "2026-11-23T10:00") throws -> CLI.Result {
            let result = try cli.run(arguments, now: now)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result
        }
        _ = try ok(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        _ = try ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n13900000002,李四,40\n"), "--source", "v"])
        _ = try ok(["leads", "allocate", "--seed", "1"])
        _ = try ok(["roster", "import", cli.write("r2.csv", "agent_code,name,team,hire_date,tier\nA002,李娜,一组,2024-05-01,core\n")])
        _ = try ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"])
        _ = try ok(["leads", "dnc", "add", "13900000009"])
        // Not a customer; a bad number; a DNC number; an existing lead: each refused, nothing changed.
        for (arguments, message) in [
            (["--customer", "2", "--phone", "13900000005"], "no customer"),
            (["--customer", "1", "--phone", "1390000000"], "--phone"),
            (["--customer", "1", "--phone", "13900000009"], "do-not-call"),
            (["--customer", "1", "--phone", "139 0000 0002"], "already lead 2"),
        ] {
            let result = try cli.run(["customers", "referral", "add", "--name", "王五"] + arguments)
            #expect(result.status != 0 && result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        // After A001 leaves, customer 1 is A002's: the referral goes straight to A002's queue.
        _ = try ok(["roster", "leave", "--agent", "A001", "--date", "2026-11-23"])
        let added = try #require(try CLI.json(ok(["customers", "referral", "add", "--customer", "1", "--name", "王五", "--phone", "13900000005",
                                                  "--note", "张三的同事", "--format", "json"])) as? [String: Any])
        #expect(added["agent_code"] as? String == "A002" && added["referred_by"] as? Int == 1 && added["lead_id"] as? Int == 3)
        let queue = try #require(try CLI.json(ok(["queue", "next", "--agent", "A002", "--format", "json"])) as? [[String: Any]])
        #expect(queue.contains { $0["lead_id"] as? Int == 3 && $0["reason"] as? String == "new" }, "\(queue)")
        let stats = try #require(try CLI.json(ok(["leads", "stats", "--by", "class", "--format", "json"])) as? [[String: Any]])
        #expect(stats.first { $0["class"] as? String == "referral" }?["leads"] as? Int == 1)
        let why = try ok(["leads", "why", "3"])
        #expect(why.stdout.contains("referral from customer 1"))
        #expect(try cli.run(["check"]).status == 0)
    }
}
