import Foundation
import Testing

/// Issue 17: the built commands held to what SPEC says, each defect reproduced from the command line.
@Suite(.serialized) struct Issue17CLITests {
    /// A center of one core agent with `leads` fresh leads allocated on 2026-11-23.
    func center(_ cli: CLI, leads: Int = 3, roster: String = "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n") throws {
        _ = try cli.run(["roster", "import", cli.write("roster.csv", roster)])
        let rows = (1...leads).map { "1390000\(String(format: "%04d", $0)),客户\($0),35" }.joined(separator: "\n")
        let imported = try cli.run(["leads", "import", cli.write("leads.csv", "phone,name,age\n" + rows + "\n"), "--source", "v"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let allocated = try cli.run(["leads", "allocate", "--seed", "1"])
        #expect(allocated.status == 0, "\(allocated.stderr)")
    }

    func stats(_ cli: CLI, now: String = "2026-11-27T18:00") throws -> [String: Any] {
        let stats = try #require(try CLI.json(cli.run(["leads", "stats", "--format", "json"], now: now)) as? [[String: Any]])
        return try #require(stats.first)
    }

    // 1. A sale row without a product is rejected, naming line and field; nothing is won.
    @Test func aSaleRowWithoutProductIsRejected() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli)
        let file = try cli.write("calls.csv", """
            call_id,agent_code,lead_id,started_at,talk_seconds,disposition,product,premium
            c1,A001,1,2026-11-23T10:05:00,300,sale,,2400
            c2,A001,2,2026-11-23T10:15:00,300,sale,ACC01,
            c3,A001,3,2026-11-23T10:25:00,300,sale,ACC01,2400

            """)
        let result = try cli.run(["calls", "import", file, "--format", "json"], now: "2026-11-23T18:00")
        let summary = try #require(try CLI.json(result) as? [String: Any])
        #expect(summary["imported"] as? Int == 1 && summary["sales"] as? Int == 1, "\(result.stdout)")
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [2, 3])
        #expect(rejected.map { $0["field"] as? String } == ["product", "premium"])
        let stats = try stats(cli, now: "2026-11-23T18:00")
        #expect(stats["sold"] as? Int == 1 && stats["premium"] as? Double == 2400, "\(stats)")
        let why = try cli.run(["leads", "why", "1"], now: "2026-11-23T18:00")
        #expect(why.stdout.contains(": open"), "\(why.stdout)")
        #expect(try cli.run(["check"], now: "2026-11-23T18:00").status == 0)
    }

    // 2. A callback logged with no talk time keeps the customer's time and is a contact.
    @Test func aCallbackWithoutTalkTimeKeepsTheCustomersTime() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli)
        let logged = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "callback", "--callback-at", "2026-11-27T15:00"],
                                 now: "2026-11-27T11:00")
        #expect(logged.status == 0 && logged.stdout.contains("next call due 2026-11-27T15:00:00"), "\(logged.stdout)\(logged.stderr)")
        let at1330 = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "A001", "--format", "json"], now: "2026-11-27T13:45")) as? [[String: Any]])
        #expect(!at1330.contains { $0["lead_id"] as? Int == 1 }, "the callback is not due before the customer's time")
        let at1500 = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "A001", "--format", "json"], now: "2026-11-27T15:00")) as? [[String: Any]])
        #expect(at1500.first?["lead_id"] as? Int == 1 && at1500.first?["reason"] as? String == "callback")
        #expect(try stats(cli)["contacted"] as? Int == 1)
        // The same from a call file with talk 0.
        let file = try cli.write("calls.csv", "call_id,agent_code,lead_id,started_at,talk_seconds,disposition,callback_at\nf1,A001,2,2026-11-27T11:00:00,0,callback,2026-11-28T10:00:00\n")
        #expect(try cli.run(["calls", "import", file], now: "2026-11-27T12:00").status == 0)
        #expect(try stats(cli)["contacted"] as? Int == 2)
    }

    // 4. The exits that spoke to the customer (refused, dnc, sale) are contacts.
    @Test func exitsAreContacts() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli)
        let file = try cli.write("calls.csv", """
            call_id,agent_code,lead_id,started_at,talk_seconds,disposition,product,premium
            e1,A001,1,2026-11-23T10:05:00,90,refused,,
            e2,A001,2,2026-11-23T10:15:00,70,dnc,,
            e3,A001,3,2026-11-23T10:25:00,600,sale,ACC01,2400

            """)
        #expect(try cli.run(["calls", "import", file], now: "2026-11-23T18:00").status == 0)
        let stats = try stats(cli, now: "2026-11-23T18:00")
        #expect(stats["contacted"] as? Int == 3 && stats["effective"] as? Int == 3, "\(stats)")
    }

    let twoAgents = "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\nA002,李娜,一组,2024-03-01,core\n"

    // 3. Recycling at the same moment twice moves nothing the second time; daily twice writes the same bytes.
    @Test func recyclingAndTheNightlyRunAreIdempotent() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli, leads: 4, roster: twoAgents)
        for lead in 1...4 {
            let owner = try #require(try CLI.json(cli.run(["leads", "why", String(lead), "--format", "json"])) as? [String: Any])["owner"] as? String
            let logged = try cli.run(["calls", "log", "--agent", try #require(owner), "--lead", String(lead), "--disposition", "callback",
                                      "--talk-seconds", "40", "--callback-at", "2026-11-23T15:00"], now: "2026-11-23T10:0\(lead)")
            #expect(logged.status == 0, "\(logged.stderr)")
        }
        func recycle() throws -> [String: Any] {
            try #require(try CLI.json(cli.run(["leads", "recycle", "--format", "json"], now: "2026-11-25T10:00")) as? [String: Any])
        }
        #expect(try recycle()["callbacks_moved"] as? Int == 4)
        for _ in 0..<2 { #expect(try recycle()["callbacks_moved"] as? Int == 0) }
        // Each moved callback is due for its new holder from the move.
        let queues = try ["A001", "A002"].flatMap { agent in
            try #require(try CLI.json(cli.run(["queue", "next", "--agent", agent, "--format", "json"], now: "2026-11-25T10:00")) as? [[String: Any]])
        }
        #expect(queues.filter { $0["reason"] as? String == "callback" }.count == 4)

        let first = try cli.run(["daily", "--date", "2026-11-27", "--out", "d1", "--format", "json"], now: "2026-11-26T23:00")
        #expect(first.status == 0, "\(first.stderr)")
        let second = try cli.run(["daily", "--date", "2026-11-27", "--out", "d2", "--format", "json"], now: "2026-11-26T23:30")
        let again = try #require(try CLI.json(second) as? [String: Any])
        let recycled = try #require(again["recycled"] as? [String: Any])
        #expect(again["allocated"] as? Int == 0 && recycled["callbacks_moved"] as? Int == 0 && recycled["idle"] as? Int == 0, "\(second.stdout)")
        let files = try #require(again["files"] as? [String])
        for file in files {
            let one = try Data(contentsOf: cli.folder.appendingPathComponent("d1/" + file))
            let two = try Data(contentsOf: cli.folder.appendingPathComponent("d2/" + file))
            #expect(one == two, "\(file) differs between two runs for one date")
        }
    }

    // 5. A daily run that cannot write a file changes neither the files nor the database.
    @Test func aDailyRunThatCannotWriteChangesNothing() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli, leads: 3, roster: twoAgents)
        _ = try cli.run(["leads", "import", cli.write("more.csv", "phone,name,age\n13800000001,甲,30\n13800000002,乙,30\n"), "--source", "w"])
        let blocker = cli.folder.appendingPathComponent("out/queues/A001.csv")
        try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
        let before = try cli.run(["leads", "stats", "--format", "json"], now: "2026-11-24T10:00").stdout
        let failed = try cli.run(["daily", "--date", "2026-11-25", "--out", "out"], now: "2026-11-24T23:00")
        #expect(failed.status != 0 && failed.stderr.contains("queues/A001.csv") && failed.stderr.contains("nothing was changed"), "\(failed.stderr)")
        #expect(try cli.run(["leads", "stats", "--format", "json"], now: "2026-11-24T10:00").stdout == before)
        let written = try FileManager.default.subpathsOfDirectory(atPath: cli.folder.appendingPathComponent("out").path)
        // Nothing but what was there: the reports folder this run made is taken away again.
        #expect(written.sorted() == ["queues", "queues/A001.csv"], "\(written)")
        // Once the folder is moved away, the same run goes through.
        try FileManager.default.removeItem(at: blocker)
        let ok = try cli.run(["daily", "--date", "2026-11-25", "--out", "out", "--format", "json"], now: "2026-11-24T23:00")
        let summary = try CLI.json(ok) as? [String: Any]
        #expect(ok.status == 0 && summary?["allocated"] as? Int == 2, "\(ok.stdout)\(ok.stderr)")
    }

    // 12. Allocation and the calls import show progress on a terminal, and nothing on a pipe.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux's `script` to run on a terminal"))
    func progressOnATerminalOnly() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", twoAgents)])
        let rows = (1...40).map { "1390000\(String(format: "%04d", $0)),35" }.joined(separator: "\n")
        _ = try cli.run(["leads", "import", cli.write("leads.csv", "phone,age\n" + rows + "\n"), "--source", "v"])
        let calls = (1...40).map { "t\($0),A001,\($0),2026-11-23T10:\(String(format: "%02d", $0)):00,0,no_answer" }.joined(separator: "\n")
        try cli.write("calls.csv", "call_id,agent_code,lead_id,started_at,talk_seconds,disposition\n" + calls + "\n")
        func onTerminal(_ command: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", "\(CLI.binary.path) \(command) >/dev/null", "/dev/null"]
            process.currentDirectoryURL = cli.folder
            var environment = ProcessInfo.processInfo.environment
            environment["CALLOPS_DB"] = cli.folder.appendingPathComponent("test.sqlite").path
            environment["CALLOPS_NOW"] = "2026-11-23T18:00"
            environment.removeValue(forKey: "CALLOPS_CONFIG")
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return String(decoding: data, as: UTF8.self)
        }
        #expect(try onTerminal("leads allocate --seed 1").contains("allocate ["))
        #expect(try onTerminal("calls import calls.csv").contains("calls import ["))
        // On a pipe: nothing but the result.
        let piped = try cli.run(["calls", "import", "calls.csv"], now: "2026-11-23T18:00")
        #expect(piped.status == 0 && !piped.stderr.contains("["), "\(piped.stderr)")
    }

    // 14. The tables show what SPEC lists; JSON keeps null keys.
    @Test func tablesShowWhatSpecListsAndJSONKeepsNulls() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier,seat\nA001,张伟,一组,2024-03-01,core,A-01\nA002,李娜,一组,2024-03-01,core,\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,age\n13900000001,35\n13900000002,35\n12345,30\n13900000002,35\n"), "--source", "v"])
        _ = try cli.run(["leads", "allocate", "--seed", "1"])
        _ = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "interested", "--talk-seconds", "200"], now: "2026-11-23T10:05")
        let stats = try cli.run(["leads", "stats"], now: "2026-11-23T18:00")
        #expect(stats.stdout.contains("interested") && stats.stdout.contains("invalid_phone 1, duplicate_in_file 1"), "\(stats.stdout)")
        _ = try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"], now: "2026-11-23T11:00")
        let seats = try cli.run(["seats", "report", "--month", "2026-11"], now: "2026-11-23T18:00")
        #expect(seats.stdout.contains("premium/lead"), "\(seats.stdout)")
        let roster = try #require(try CLI.json(cli.run(["roster", "list", "--format", "json"])) as? [[String: Any]])
        let unseated = try #require(roster.first { $0["agent_code"] as? String == "A002" })
        #expect(unseated.keys.contains("seat") && unseated["seat"] is NSNull, "\(unseated)")
        #expect(roster.first { $0["agent_code"] as? String == "A001" }?["seat"] as? String == "A-01")
    }

    // 15. A pay run outside the 30-50% band warns on stderr, for the center and each agent, in every format.
    @Test func payOutsideTheBandWarnsOnStderr() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", twoAgents)])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"], now: "2026-10-01T09:00")
        _ = try cli.run(["leads", "allocate", "--seed", "1"], now: "2026-10-01T09:00")
        let owner = try #require(try CLI.json(cli.run(["leads", "why", "1", "--format", "json"], now: "2026-10-01T09:00")) as? [String: Any])["owner"] as? String
        _ = try cli.run(["sales", "record", "--lead", "1", "--agent", try #require(owner), "--product", "CI01", "--premium", "40000"], now: "2026-10-12T10:00")
        for format in ["table", "json", "csv"] {
            let run = try cli.run(["pay", "run", "--month", "2026-10", "--format", format], now: "2026-10-31T20:00")
            #expect(run.status == 0)
            let warnings = run.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: pay 2026-10") }
            #expect(warnings.count == 3, "\(format): \(run.stderr)")
            #expect(run.stderr.contains("the center's variable share") && run.stderr.contains("A001") && run.stderr.contains("A002"))
            #expect(!run.stdout.contains("warning:"), "stdout stays data")
        }
    }

    // 16. A roster import that marks an agent `left` leaves the database consistent at once.
    @Test func aRosterImportThatMarksAnAgentLeftReleasesTheirLeads() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try center(cli, leads: 6, roster: twoAgents)
        var held: [Int] = []
        for lead in 1...6 {
            let why = try #require(try CLI.json(cli.run(["leads", "why", String(lead), "--format", "json"])) as? [String: Any])
            if why["owner"] as? String == "A001" { held.append(lead) }
        }
        try #require(held.count >= 2)
        let logged = try cli.run(["calls", "log", "--agent", "A001", "--lead", String(held[0]), "--disposition", "callback", "--talk-seconds", "30",
                                  "--callback-at", "2026-11-25T15:00"], now: "2026-11-23T10:30")
        #expect(logged.status == 0, "\(logged.stderr)")
        let left = try cli.run(["roster", "import", cli.write("roster2.csv", "agent_code,name,team,hire_date,tier,status,left_on\nA001,张伟,一组,2024-03-01,core,left,2026-11-24\nA002,李娜,一组,2024-03-01,core,active,\n")],
                               now: "2026-11-24T09:00")
        #expect(left.status == 0 && left.stdout.contains("\(held.count - 1) leads back to the pool, 1 callbacks moved"), "\(left.stdout)\(left.stderr)")
        let check = try cli.run(["check"], now: "2026-11-24T09:00")
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        // The customer's promise moved with its time; the rest waits in the pool.
        let queue = try #require(try CLI.json(cli.run(["queue", "next", "--agent", "A002", "--format", "json"], now: "2026-11-25T15:00")) as? [[String: Any]])
        #expect(queue.first?["lead_id"] as? Int == held[0] && queue.first?["due_at"] as? String == "2026-11-25T15:00:00", "\(queue)")
        let pool = try #require(try CLI.json(cli.run(["leads", "why", String(held[1]), "--format", "json"], now: "2026-11-24T09:00")) as? [String: Any])
        #expect(pool["status"] as? String == "pool")
    }

    // 17. `leads why` shows the calls, the policies and every queue the customer is in.
    @Test func whyShowsCallsPoliciesAndEveryQueue() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date,tier\nA001,张伟,一组,2024-03-01,core\n")])
        _ = try cli.run(["leads", "import", cli.write("l.csv", "phone,name,age,marital,children\n13900000001,张三,30,已婚,1\n"), "--source", "v"],
                        now: "2026-11-20T09:00")
        _ = try cli.run(["leads", "allocate", "--seed", "1"], now: "2026-11-20T09:00")
        _ = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "interested", "--talk-seconds", "240"], now: "2026-11-20T10:00")
        let sold = try cli.run(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "1200", "--mode", "monthly"],
                               now: "2026-11-21T10:00")
        #expect(sold.status == 0, "\(sold.stderr)")
        _ = try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "120"], now: "2026-11-23T10:00")
        let why = try #require(try CLI.json(cli.run(["leads", "why", "1", "--format", "json"], now: "2026-12-15T10:00")) as? [String: Any])
        let calls = try #require(why["calls"] as? [[String: Any]])
        #expect(calls.map { $0["disposition"] as? String } == ["interested", "connected"])
        let policies = try #require(why["policies"] as? [[String: Any]])
        #expect(policies.count == 1 && policies[0]["product"] as? String == "ACC01" && policies[0]["premium"] as? Double == 1200)
        let queues = try #require(why["queues"] as? [String])
        #expect(queues.contains { $0.hasPrefix("renewal: policy 1") } && queues.contains { $0.hasPrefix("cross-sell:") }, "\(queues)")
        #expect((why["queue_now"] as? String)?.hasPrefix("in agent A001's queue now: renewal") == true, "\(why["queue_now"] ?? "")")
        let text = try cli.run(["leads", "why", "1"], now: "2026-12-15T10:00")
        #expect(text.stdout.contains("calls") && text.stdout.contains("ACC01") && text.stdout.contains("renewal: policy 1") && !text.stdout.contains("not queued"),
                "\(text.stdout)")
    }
}
