import Foundation
import Testing

/// The outside audit of the manager's view (issue 11): each defect it found, on its own two
/// small centers, through the built binary.
@Suite(.serialized) struct ManagerViewAuditCLITests {
    /// The audit's S1: team T1 (A1, A2, A3) and T2 (B1), 20 leads at 2.50, A1 with targets.
    static func s1() throws -> CLI {
        let cli = try CLI()
        let roster = try cli.write("roster.csv", """
            agent_code,name,team,hire_date,seat
            A1,Alice,T1,2026-01-05,S1
            A2,Bob,T1,2026-01-05,S2
            A3,Carl,T1,2026-01-05,S3
            B1,Dora,T2,2026-01-05,S4

            """)
        let leads = try cli.write("leads.csv", "phone,name,age\n" + (10...29).map { "138001380\($0),Lead\($0),35" }.joined(separator: "\n") + "\n")
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,phone,started_at,talk_seconds,disposition,product,premium
            c0,A1,13800138018,2026-10-28T10:00,100,sale,ACC01,1000
            c1,A1,13800138010,2026-11-02T10:00,120,connected,,
            c2,A1,13800138011,2026-11-02T11:00,0,no_answer,,
            c3,A1,13800138010,2026-11-03T10:00,300,proposal,,
            c4,A1,13800138010,2026-11-04T10:00,200,sale,CI01,5000
            c5,A1,13800138012,2026-11-05T10:00,59,interested,,
            c6,A1,13800138012,2026-11-05T14:00,30,callback,,
            c7,A2,13800138013,2026-11-02T10:00,90,proposal,,
            c8,A2,13800138014,2026-11-03T10:00,100,proposal,,
            c9,A2,13800138014,2026-11-04T10:00,100,sale,ACC01,300
            c10,A2,13800138015,2026-11-06T10:00,65,sale,ACC01,700
            c11,B1,13800138016,2026-11-03T10:00,61,sale,PEN01,10000
            c12,B1,13800138017,2026-11-07T10:00,10,busy,,

            """)
        try steps(cli, [
            (["roster", "import", roster], "2026-11-01T09:00"),
            (["leads", "import", leads, "--source", "v", "--cost-per-lead", "2.50"], "2026-11-01T09:00"),
            (["leads", "allocate", "--strategy", "even"], "2026-11-02T08:00"),
            (["calls", "import", calls], "2026-11-07T20:00"),
            (["plan", "targets", "--annual-income", "120000", "--agent", "A1", "--month", "2026-11"], "2026-11-07T20:00"),
            (["plan", "targets", "--annual-income", "120000", "--agent", "A2", "--month", "2026-11"], "2026-11-07T20:00"),
            (["plan", "targets", "--annual-income", "120000", "--agent", "A3", "--month", "2026-11"], "2026-11-07T20:00"),
            (["plan", "targets", "--annual-income", "60000", "--agent", "A1", "--month", "2026-10"], "2026-11-07T20:00"),
            (["pay", "run", "--month", "2026-11"], "2026-11-08T10:00"),
        ])
        return cli
    }

    /// The audit's S2: teams X (C1, C2) and Y (C3, N1 hired 3 November, C4 top, L1 who sold on
    /// 6 November without a call and left on the 10th).
    static func s2() throws -> CLI {
        let cli = try CLI()
        let roster = try cli.write("roster.csv", """
            agent_code,name,team,hire_date,tier
            C1,Core,X,2026-01-05,
            C2,Top,X,2026-01-05,
            C3,Gen,Y,2026-01-05,
            N1,Newbie,Y,2026-11-03,
            C4,Manual,Y,2026-01-05,top
            L1,Leaver,Y,2026-01-05,

            """)
        let leads = try cli.write("leads.csv", "phone,name,age\n" + (10...39).map { "139001390\($0),P\($0),35" }.joined(separator: "\n") + "\n")
        let calls = try cli.write("calls.csv", """
            call_id,agent_code,phone,started_at,talk_seconds,disposition,product,premium
            o1,C1,13900139010,2026-10-12T10:00,100,sale,CI01,12000
            o2,C2,13900139011,2026-10-12T10:00,100,sale,PEN01,30000
            o3,C2,13900139012,2026-10-13T10:00,100,sale,PEN01,30000
            o4,C3,13900139013,2026-10-13T10:00,100,connected,,
            n1,C1,13900139014,2026-11-04T10:00,100,sale,ACC01,2000
            n2,C2,13900139015,2026-11-04T10:00,100,sale,ACC01,3000
            n3,C2,13900139016,2026-11-05T10:00,100,sale,ACC01,1000
            n4,N1,13900139017,2026-11-05T10:00,100,sale,ACC01,500
            n5,C3,13900139018,2026-11-05T10:00,100,connected,,

            """)
        try steps(cli, [
            (["roster", "import", roster], "2026-10-01T09:00"),
            (["leads", "import", leads, "--source", "v", "--cost-per-lead", "1"], "2026-10-01T09:00"),
            (["calls", "import", calls], "2026-11-06T20:00"),
            (["sales", "record", "--lead", "20", "--agent", "L1", "--product", "ACC01", "--premium", "800"], "2026-11-06T11:00"),
            (["roster", "leave", "--agent", "L1", "--date", "2026-11-10"], "2026-11-10T09:00"),
        ])
        return cli
    }

    /// Runs each setup step at its time; a step that fails stops the test with its message.
    static func steps(_ cli: CLI, _ steps: [([String], String)]) throws {
        for (arguments, now) in steps {
            let result = try cli.run(arguments, now: now)
            if result.status != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(arguments): \(result.stderr)"]) }
        }
    }

    static func report(_ cli: CLI, _ arguments: [String], now: String = "2026-11-20T10:00") throws -> [String: Any] {
        let result = try cli.run(["seats", "report", "--format", "json"] + arguments, now: now)
        return try #require(try CLI.json(result) as? [String: Any], "\(result.stderr)")
    }

    static func codes(_ report: [String: Any]) -> [String] {
        (report["agents"] as? [[String: Any]] ?? []).compactMap { $0["agent_code"] as? String }
    }

    @Test func aLeaverKeepsTheSalesAndPayOfThePeriodsTheyWorked() throws {
        let cli = try Self.s2()
        defer { cli.cleanUp() }
        // L1 sold 800 on 6 November without a call and left on the 10th: the week keeps the sale.
        let week = try Self.report(cli, ["--from", "2026-11-02", "--to", "2026-11-08", "--compare", "none"])
        #expect(Self.codes(week).contains("L1"))
        let center = try #require(week["center"] as? [String: Any])
        #expect(center["sales"] as? Int == 5 && center["premium"] as? Double == 7_300)
        // October: L1 was employed all month, with no call.
        let october = try Self.report(cli, ["--month", "2026-10", "--compare", "none"])
        #expect(Self.codes(october).contains("L1"))
        // The month's pay cost is every pay line of the month, the leaver's included.
        let pay = try cli.run(["pay", "run", "--month", "2026-11", "--format", "json"], now: "2026-11-20T10:00")
        #expect(pay.status == 0, "\(pay.stderr)")
        let november = try Self.report(cli, ["--month", "2026-11", "--by", "team"])
        let payCost = try #require((november["center"] as? [String: Any])?["pay_cost"] as? Double)
        #expect(payCost == 24_105, "\(payCost)")
        // Someone who left before the period and did nothing in it stays out: December.
        let december = try Self.report(cli, ["--month", "2026-12", "--compare", "none"], now: "2026-12-20T10:00")
        #expect(!Self.codes(december).contains("L1"))
    }

    @Test func anAgentHiredAfterThePeriodIsNotInIt() throws {
        let cli = try Self.s2()
        defer { cli.cleanUp() }
        // N1 was hired on 3 November: October's team Y is C3, C4 and L1.
        let october = try Self.report(cli, ["--month", "2026-10", "--compare", "none", "--by", "tier"])
        #expect(!Self.codes(october).contains("N1"))
        let y = try #require((october["teams"] as? [[String: Any]])?.first { $0["team"] as? String == "Y" })
        #expect(y["headcount"] as? Int == 3 && y["active_sellers"] as? Int == 0)
        let tiers = (october["tiers"] as? [[String: Any]] ?? []).compactMap { $0["tier"] as? String }
        #expect(!tiers.contains("new"), "\(tiers)")
        // The same in the previous block of November.
        let november = try Self.report(cli, ["--month", "2026-11"])
        let previous = try #require((november["previous"] as? [String: Any])?["teams"] as? [[String: Any]])
        #expect(previous.map { $0["headcount"] as? Int } == [2, 3])
        #expect(((november["teams"] as? [[String: Any]])?.last?["headcount"] as? Int) == 4)
    }

    @Test func aLeadCostsOnceHoweverOftenItIsAllocated() throws {
        let cli = try Self.s1()
        defer { cli.cleanUp() }
        // 11 idle leads back to the pool, then allocated again: 31 assignments of 20 leads.
        #expect(try cli.run(["leads", "recycle"], now: "2026-11-06T09:00").status == 0)
        #expect(try cli.run(["leads", "allocate", "--strategy", "even"], now: "2026-11-06T09:30").status == 0)
        let month = try Self.report(cli, ["--month", "2026-11", "--by", "team", "--compare", "none"], now: "2026-11-06T23:00")
        let center = try #require(month["center"] as? [String: Any])
        // 20 leads at 2.50, bought once: never more than the batch cost.
        #expect(center["lead_cost"] as? Double == 50 && center["leads_allocated"] as? Int == 20, "\(center)")
        let teams = try #require(month["teams"] as? [[String: Any]])
        #expect(teams.compactMap { $0["lead_cost"] as? Double }.reduce(0, +) == 50)
        let agents = try #require(month["agents"] as? [[String: Any]])
        #expect(agents.compactMap { $0["leads_allocated"] as? Int }.reduce(0, +) > 20)
        // The agents table's total row counts each lead once too.
        let table = try cli.run(["seats", "report", "--month", "2026-11", "--compare", "none"], now: "2026-11-06T23:00")
        let total = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("center") })
        let cells = total.split(separator: " ", omittingEmptySubsequences: true)
        #expect(cells.count > 7 && cells[7] == "20", "\(total)")
        // A week after the first allocation holds no first assignment: no lead cost.
        let later = try Self.report(cli, ["--from", "2026-11-03", "--to", "2026-11-08", "--compare", "none"], now: "2026-11-06T23:00")
        #expect((later["center"] as? [String: Any])?["lead_cost"] as? Double == 0)
    }

    @Test func theDaysOfAWeekendWithoutCallsAreAnEmptyList() throws {
        let cli = try Self.s1()
        defer { cli.cleanUp() }
        let weekend = ["seats", "report", "--from", "2026-11-14", "--to", "2026-11-15", "--by", "day"]
        let json = try #require(try CLI.json(cli.run(weekend + ["--format", "json"], now: "2026-11-20T12:00")) as? [String: Any])
        #expect((json["days"] as? [Any])?.isEmpty == true, "\(json.keys.sorted())")
        // The CSV is the day table, its header alone, never the agents.
        let csv = try cli.run(weekend + ["--format", "csv"], now: "2026-11-20T12:00")
        let lines = csv.stdout.split(whereSeparator: \.isNewline)
        #expect(csv.status == 0 && lines.count == 1 && lines.first?.hasPrefix("day,dials,contacts,") == true, "\(csv.stdout)")
        // Without --by day, the JSON has no days.
        let agents = try #require(try CLI.json(cli.run(Array(weekend.dropLast(2)) + ["--format", "json"], now: "2026-11-20T12:00")) as? [String: Any])
        #expect(agents["days"] == nil)
    }

    @Test func theCSVColumnsNeverChangeWithTheData() throws {
        let cli = try Self.s1()
        defer { cli.cleanUp() }
        func header(_ extra: [String], _ cli: CLI) throws -> String {
            let result = try cli.run(["seats", "report", "--from", "2026-11-02", "--to", "2026-11-08", "--format", "csv"] + extra, now: "2026-11-08T12:00")
            #expect(result.status == 0, "\(result.stderr)")
            return String(result.stdout.split(whereSeparator: \.isNewline).first ?? "")
        }
        // B1 has no targets, T1's agents have: one header for all, the nested objects flattened.
        let all = try header([], cli)
        let columns = all.split(separator: ",").map(String.init)
        #expect(columns.contains("targets_premium") && columns.contains("attainment_by_sales"))
        #expect(!columns.contains("targets") && !columns.contains("attainment_by") && Set(columns).count == columns.count, "\(all)")
        #expect(try header(["--team", "T2"], cli) == all && header(["--team", "T1"], cli) == all)
        // B1's row: as many cells as the header, the targets empty.
        let t2 = try cli.run(["seats", "report", "--from", "2026-11-02", "--to", "2026-11-08", "--format", "csv", "--team", "T2"], now: "2026-11-08T12:00")
        let b1 = try #require(t2.stdout.split(whereSeparator: \.isNewline).dropFirst().first)
        #expect(b1.hasPrefix("B1,") && b1.split(separator: ",", omittingEmptySubsequences: false).count == columns.count, "\(b1)")
        // A center with nobody in it still prints the header.
        let empty = try CLI()
        defer { empty.cleanUp() }
        #expect(try header([], empty) == all)
    }
}
