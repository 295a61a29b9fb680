import Foundation
import GRDB
import Testing

/// An outside audit's stored values that gave a wrong number with status 0: each is now the
/// named error (table, row, column, `callops check`) before the report reads it, and check lists it.
@Suite(.serialized) struct SilentNumbersCLITests {
    /// Writes to the test database as an outside tool would (the sqlite3 shell, a script).
    func damage(_ cli: CLI, _ sql: String) throws {
        let queue = try DatabaseQueue(path: cli.database)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    /// Each command refused with the named error, nothing on stdout.
    func expectNamed(_ cli: CLI, _ commands: [[String]], _ message: String, now: String = "2026-11-23T10:00",
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        for command in commands {
            let result = try cli.run(command, now: now)
            #expect(result.status == 1 && result.stdout.isEmpty, "\(command): \(result.stdout)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(message) && result.stderr.contains("callops check"), "\(command): \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    func expectChecked(_ cli: CLI, _ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let check = try cli.run(["check"])
        #expect(check.status != 0 && check.stderr.contains(line), "\(check.stderr)", sourceLocation: sourceLocation)
    }

    /// Audit 1: an unknown policy status counted as a kept sale for the tier and left the policy
    /// out of renewals due and the cross-sell queue. Audit 5: an in-force policy without its next
    /// premium day left renewals due unseen, and check said ok.
    @Test func anUnknownPolicyStatusOrAMissingDueDayIsNamed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.ok(["roster", "import", cli.write("r.csv", "agent_code,name,team,hire_date\nA001,张伟,一组,2024-03-01\n")])
        try cli.ok(["leads", "import", cli.write("l.csv", "phone,name,age\n13900000001,张三,30\n"), "--source", "v"])
        try cli.ok(["leads", "allocate", "--seed", "1"])
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "1200", "--mode", "monthly"])
        let december = "2026-12-10T10:00"
        for command in [["roster", "list"], ["seats", "report"], ["renewals", "due"], ["queue", "cross-sell", "--agent", "A001"]] {
            #expect(try cli.run(command, now: december).status == 0, "\(command)")
        }
        #expect(try cli.run(["check"]).status == 0)

        try damage(cli, "UPDATE policy SET status = 'weird' WHERE id = 1")
        try expectNamed(cli, [["roster", "list"], ["seats", "report"], ["renewals", "due"], ["queue", "cross-sell", "--agent", "A001"]],
                        "policy row 1, column status: \"weird\" is not one of in_force, cancelled, lapsed", now: december)
        try expectChecked(cli, "policy row 1, column status: \"weird\"")

        try damage(cli, "UPDATE policy SET status = 'in_force', next_due_on = NULL WHERE id = 1")
        try expectNamed(cli, [["renewals", "due"]], "policy row 1, column next_due_on: \"NULL\"", now: december)
        try expectChecked(cli, "policy row 1, column next_due_on: \"NULL\"")
    }

    /// Audit 2: an unknown lead status on a sold lead dropped the sale from `leads stats`;
    /// audit 6: a propensity that is text or past 1 moved a lead between deciles.
    @Test func anUnknownLeadStatusClassOrPropensityIsNamed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneCustomer(leads: "13900000001,张三,30\n13900000002,李四,40\n")
        for by in ["batch", "class", "score-decile"] { try cli.ok(["leads", "stats", "--by", by]) }

        try damage(cli, "UPDATE lead SET status = 'zombie' WHERE id = 1")
        try expectNamed(cli, [["leads", "stats"], ["leads", "stats", "--by", "class"], ["leads", "stats", "--batch", "1"]],
                        "lead row 1, column status: \"zombie\" is not one of pool, open, won")
        try expectChecked(cli, "lead row 1, column status: \"zombie\"")
        try damage(cli, "UPDATE lead SET status = 'won', class = 'hot' WHERE id = 1")
        try expectNamed(cli, [["leads", "stats"], ["leads", "stats", "--by", "class"]], "lead row 1, column class: \"hot\" is not one of warm, referral, cold")
        try damage(cli, "UPDATE lead SET class = 'warm'")

        for bad in ["'abc'", "5.0", "-0.5"] {
            try damage(cli, "UPDATE lead SET propensity = \(bad) WHERE id = 2")
            try expectNamed(cli, [["leads", "stats", "--by", "score-decile"]], "lead row 2, column propensity:")
        }
        try damage(cli, "UPDATE lead SET propensity = 0.5 WHERE id = 2")
        try cli.ok(["leads", "stats", "--by", "score-decile"])
    }

    /// A candidate signed on 2026-01-10 as agent N1.
    func signedCandidate(_ cli: CLI) throws {
        try cli.ok(["training", "course", "add", "PJ01", "--name", "岗前培训", "--kind", "pre_job"], now: "2026-01-01T09:00")
        try cli.ok(["recruit", "add", "--name", "甲", "--channel", "referral", "--date", "2026-01-02"], now: "2026-01-02T09:00")
        for _ in 0..<7 { try cli.ok(["recruit", "advance", "--candidate", "1", "--date", "2026-01-05"], now: "2026-01-05T09:00") }
        try cli.ok(["recruit", "advance", "--candidate", "1", "--agent-code", "N1", "--team", "新人组", "--date", "2026-01-10"], now: "2026-01-10T09:00")
    }

    /// Audit 3: an unknown channel dropped the candidate from `recruit report`; audit 5: a signed
    /// candidate without an agent emptied the retention report, and check said ok.
    @Test func anUnknownChannelOrASignedCandidateWithoutAgentIsNamed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try signedCandidate(cli)
        let report = ["recruit", "report", "--from", "2026-01-01", "--to", "2026-11-30"]
        try cli.ok(report)
        try cli.ok(["recruit", "report", "--retention"])
        #expect(try cli.run(["check"]).status == 0)

        try damage(cli, "UPDATE candidate SET channel = 'tiktok'")
        try expectNamed(cli, [report, ["recruit", "report", "--retention"]], "candidate row 1, column channel: \"tiktok\" is not one of referral")
        try expectChecked(cli, "candidate row 1, column channel: \"tiktok\"")

        try damage(cli, "UPDATE candidate SET channel = 'referral', agent_id = NULL WHERE stage = 'signed'")
        try expectNamed(cli, [["recruit", "report", "--retention"]], "candidate row 1, column agent_id: \"NULL\"")
        try expectChecked(cli, "candidate row 1, column agent_id: \"NULL\"")
    }

    /// Audit 4: text, a fraction or a negative in `activity_day` summed into the seat report with
    /// status 0; a bad dials count was blamed on talk_seconds; check said only that the stored
    /// figures disagree with the calls.
    @Test func aBadActivityDayValueIsNamedByItsColumn() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        let day = "2026-11-20T10:00"
        try cli.ok(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "90"], now: day)
        try cli.ok(["sales", "record", "--lead", "1", "--agent", "A001", "--product", "ACC01", "--premium", "300"], now: day)
        let report = ["seats", "report", "--month", "2026-11"]
        try cli.ok(report)
        #expect(try cli.run(["check"]).status == 0)
        let row = "activity_day row (day 2026-11-20, agent_id 1)"
        let restore = "UPDATE activity_day SET dials = 1, contacts = 1, sales = 1, premium_fen = 30000, talk_seconds = 90 WHERE agent_id = 1 AND day = '2026-11-20'"
        for (update, column, value) in [
            ("premium_fen = 'lots', sales = 'x'", "sales", "x"),
            ("premium_fen = 'lots'", "premium_fen", "lots"),
            ("premium_fen = -500000", "premium_fen", "-500000"),
            ("premium_fen = 12.7", "premium_fen", "12.7"),
            ("contacts = 'z'", "contacts", "z"),
            ("dials = 'y'", "dials", "y"),
            ("dials = 0", "dials", "0"),
        ] {
            try damage(cli, "UPDATE activity_day SET \(update) WHERE agent_id = 1 AND day = '2026-11-20'")
            try expectNamed(cli, [report], "\(row), column \(column): \"\(value)\"")
            try expectChecked(cli, "\(row): column \(column) stored \"\(value)\", the calls and policies give \"")
            try damage(cli, restore)
        }
        try cli.ok(report)
        #expect(try cli.run(["check"]).status == 0)
    }
}
