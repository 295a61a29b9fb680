import Foundation
import GRDB
import Testing

/// A value read back from the database that does not decode is an error naming the table, the
/// row and the column, never a crash; `callops check` lists it.
@Suite(.serialized) struct StoredValueCLITests {
    /// Writes to the test database as an outside tool would (the sqlite3 shell, a script).
    func damage(_ cli: CLI, _ sql: String) throws {
        let queue = try DatabaseQueue(path: cli.folder.appendingPathComponent("test.sqlite").path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            // As the sqlite3 shell, which leaves foreign keys off: text ids reference no row.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    @Test func aBadStoredValueIsAnErrorNamingTableRowAndColumn() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["roster", "import", cli.write("roster.csv", "agent_code,name,team,hire_date\nA001,张伟,一组,2024-03-01\n")]).status == 0)
        #expect(try cli.run(["pay", "run", "--month", "2026-11"]).status == 0)
        #expect(try cli.run(["check"]).status == 0)

        // A rank no callops writes, past the CHECK constraint.
        try damage(cli, "UPDATE pay_basis SET tier = 'star'")
        let slip = try cli.run(["pay", "slip", "--agent", "A001", "--month", "2026-11"])
        #expect(slip.status == 1 && slip.stdout.isEmpty)
        #expect(slip.stderr.contains("pay_basis row 2026-11 1, column tier: \"star\" is not one of new, general, core, top"), "\(slip.stderr)")
        #expect(slip.stderr.contains("callops check"))
        let listed = try cli.run(["check"])
        #expect(listed.status != 0 && listed.stderr.contains("pay_basis row 2026-11 1, column tier: \"star\" is not one of new, general, core, top"), "\(listed.stderr)")
        try damage(cli, "UPDATE pay_basis SET tier = 'new'")

        // A hire date that is not a day: every command that needs it says so, and check lists it.
        try damage(cli, "UPDATE agent SET hire_date = '2026-02-30' WHERE code = 'A001'")
        for command in [["roster", "list"], ["seats", "report"], ["pay", "run", "--month", "2026-11"], ["leads", "allocate"]] {
            let result = try cli.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.contains("agent row 1, column hire_date: \"2026-02-30\" is not a day"), "\(command): \(result.stderr)")
        }
        let check = try cli.run(["check"])
        #expect(check.status != 0 && check.stderr.contains("agent row 1, column hire_date: \"2026-02-30\" is not a day (YYYY-MM-DD)"), "\(check.stderr)")
        try damage(cli, "UPDATE agent SET hire_date = '2024-03-01'")
        #expect(try cli.run(["check"]).status == 0)

        // A talk time past every range check (an outside tool's write): check names the row and column.
        _ = try cli.run(["leads", "import", cli.write("leads.csv", "phone,name\n13900000001,客户\n"), "--source", "v"])
        _ = try cli.run(["leads", "allocate"])
        #expect(try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "90"]).status == 0)
        try damage(cli, "UPDATE call SET talk_seconds = 9223372036854775807")
        let overflow = try cli.run(["check"])
        #expect(overflow.status != 0 && overflow.stderr.contains("call.talk_seconds is 9223372036854775807"), "\(overflow.stderr)")
    }

    /// Audit 3: an agent's status or tier no callops writes was a Codable DecodingError.
    @Test func aBadAgentStatusOrTierNamesTheRowAndColumn() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        try damage(cli, "UPDATE agent SET status = 'bogus' WHERE code = 'A001'")
        for command in [["roster", "list"], ["seats", "report"], ["queue", "next", "--agent", "A001"]] {
            let result = try cli.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.contains("agent row 1, column status: \"bogus\" is not one of active, probation, left"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("callops check") && !result.stderr.contains("DecodingError"), "\(command): \(result.stderr)")
        }
        try damage(cli, "UPDATE agent SET status = 'active', tier = 'boss' WHERE code = 'A001'")
        for command in [["roster", "list"], ["seats", "report"]] {
            let result = try cli.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.contains("agent row 1, column tier: \"boss\" is not one of new, general, core, top"), "\(command): \(result.stderr)")
        }
    }

    /// Audit 4: a bad sale day named the lead's id as the policy row.
    @Test func aBadSaleDayNamesThePolicyRow() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        // Lead 2's policy is policy 1: the ids differ.
        #expect(try cli.run(["sales", "record", "--lead", "2", "--agent", "A001", "--product", "ACC01", "--premium", "300"]).status == 0)
        try damage(cli, "UPDATE policy SET sold_at = 'garbage' WHERE id = 1")
        for command in [["seats", "report"]] {
            let result = try cli.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.stderr.contains("policy row 1, column sold_at: \"garbage\""), "\(command): \(result.stderr)")
        }
    }

    /// Audit 2: text in an integer column trapped in GRDB's non-optional subscript (signal 4).
    @Test func textInAnIntegerColumnIsANamedErrorNotACrash() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        #expect(try cli.run(["sales", "record", "--lead", "2", "--agent", "A001", "--product", "ACC01", "--premium", "300"]).status == 0)
        try damage(cli, "UPDATE policy SET premium_fen = 'abc' WHERE id = 1")
        let premium = try cli.run(["leads", "why", "2"])
        #expect(premium.status == 1 && premium.stderr.contains("policy row 1, column premium_fen: \"abc\" is not an integer"), "\(premium.stderr)")
        try damage(cli, "UPDATE policy SET premium_fen = 30000, agent_id = 'x' WHERE id = 1")
        for command in [["pay", "run", "--month", "2026-11"], ["leads", "why", "2"], ["seats", "report", "--from", "2026-11-01", "--to", "2026-11-30"]] {
            let result = try cli.run(command)
            #expect(result.status == 1 && result.stderr.contains("policy row 1, column agent_id: \"x\" is not an integer"), "\(command): \(result.stderr)")
        }
        try damage(cli, "UPDATE policy SET agent_id = 1 WHERE id = 1")
        try damage(cli, "UPDATE lead SET agent_id = 'zz' WHERE id = 1")
        let owner = try cli.run(["leads", "why", "1"])
        #expect(owner.status == 1 && owner.stderr.contains("lead row 1, column agent_id: \"zz\" is not an integer"), "\(owner.stderr)")
    }

    /// Audit 5: statuses, stages and roles no callops writes read silently as exhausted, new or
    /// agent; now the named error. Check lists a daily quota that is not an integer and a call
    /// time that is not a time.
    @Test func unknownStagesAreNamedAndCheckListsBadQuotasAndCallTimes() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.oneAgentCenter()
        #expect(try cli.run(["calls", "log", "--agent", "A001", "--lead", "1", "--disposition", "connected", "--talk-seconds", "90"]).status == 0)
        #expect(try cli.run(["check"]).status == 0)
        try damage(cli, "UPDATE lead SET stage = 'bogus' WHERE id = 2")
        let queue = try cli.run(["queue", "next", "--agent", "A001"])
        #expect(queue.status == 1 && queue.stderr.contains("lead row 2, column stage: \"bogus\" is not one of"), "\(queue.stderr)")
        let call = try cli.run(["calls", "log", "--agent", "A001", "--lead", "2", "--disposition", "connected", "--talk-seconds", "30"])
        #expect(call.status == 1 && call.stderr.contains("lead row 2, column stage: \"bogus\""), "\(call.stderr)")
        try damage(cli, "UPDATE lead SET stage = 'new' WHERE id = 2")
        try damage(cli, "UPDATE agent SET role = 'boss' WHERE code = 'A001'")
        let list = try cli.run(["roster", "list"])
        #expect(list.status == 1 && list.stderr.contains("agent row 1, column role: \"boss\""), "\(list.stderr)")
        try damage(cli, "UPDATE agent SET role = 'agent', daily_new_leads = 'lots' WHERE code = 'A001'")
        try damage(cli, "UPDATE call SET started_at = 'yesterday'")
        let check = try cli.run(["check"])
        #expect(check.status != 0 && check.stderr.contains("agent row 1, column daily_new_leads: \"lots\" is not an integer"), "\(check.stderr)")
        #expect(check.stderr.contains("call row 1, column started_at: \"yesterday\" is not a local time"), "\(check.stderr)")
    }
}
