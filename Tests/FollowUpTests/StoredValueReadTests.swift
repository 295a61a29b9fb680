import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import LeadData
import Roster
import Testing

@testable import FollowUp

/// A value of a FollowUp table that another tool wrote (text in an integer column, a day that is
/// not one, a status no callops writes) is a `StoredValueError` naming the table and column when
/// a library function reads it, never a trap; `callops check`'s invariants list it.
@Suite(.serialized) struct StoredValueReadTests {
    /// A center with one policy (lead 1, sold by A1 on 2026-11-20, monthly) and a call on lead 2.
    func center() throws -> AgentDay {
        let day = try AgentDay()
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 1_200), monthly: true))
        try day.call(2, .connected, talk: 60, at: "2026-11-20T10:30")
        return day
    }

    /// Writes to the test database as the sqlite3 shell would: foreign keys off, CHECKs ignored.
    func damage(_ day: AgentDay, _ sql: String) throws {
        let queue = try DatabaseQueue(path: day.folder.appendingPathComponent("t.sqlite").path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: sql)
        }
        try queue.close()
    }

    /// Runs `body` and expects the error naming `table` and `column`.
    func expectNamed(_ table: String, _ column: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what): no error for \(table).\(column)", sourceLocation: sourceLocation)
        } catch let error as StoredValueError {
            #expect(error.table == table && error.column == column, "\(what): \(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("callops check"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): \(error)", sourceLocation: sourceLocation)
        }
    }

    /// The lines `check` gives for the FollowUp columns.
    func checkLines(_ day: AgentDay) throws -> [String] {
        try day.db.read { db in try FollowUpSchema.storedValueChecks.flatMap { try $0.violations(db) } }
    }

    /// Audit defect: a malformed time on an open lead silently dropped it from the queue (the
    /// queue compares times as text), `leads why` printed "not due until 2026-13-45", and check
    /// said ok. Now both readers name lead.<column> and check lists it.
    @Test func aMalformedLeadTimeIsNamedNotSkipped() throws {
        let day = try center()
        let lead = try #require(try day.db.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM lead WHERE status = 'open' AND agent_id = (SELECT id FROM agent WHERE code = 'A1') ORDER BY id DESC") })
        let windows = try CallingWindows(day.settings.cadence.windows)
        for (column, value) in [("callback_at", "2026-13-45T10:00:00"), ("next_due_at", "yesterday")] {
            try damage(day, "UPDATE lead SET \(column) = '\(value)' WHERE id = \(lead)")
            #expect(try checkLines(day).isEmpty)  // FollowUp's own list; the lead columns are LeadData's
            let listed = try day.db.read { db in try LeadDataSchema.storedValueChecks.flatMap { try $0.violations(db) } }
            #expect(listed.contains { $0.contains("lead row \(lead), column \(column):") }, "\(listed)")
            expectNamed("lead", column, "queue next") { _ = try day.queue() }
            expectNamed("lead", column, "leads why") {
                _ = try day.db.read { db in try LeadExplanation.explain(db, lead: lead, clock: day.clock, windows: windows) }
            }
            try damage(day, "UPDATE lead SET \(column) = NULL WHERE id = \(lead)")
        }
    }

    /// Audit defect: an agent whose team row is missing vanished from every list (an inner
    /// join on team); now reading the agents is the error naming agent.team_id.
    @Test func anAgentWithoutItsTeamIsNamedNotDropped() throws {
        let day = try center()
        try damage(day, "DELETE FROM team")
        expectNamed("agent", "team_id", "roster agents") { _ = try day.db.read { db in try Roster.agents(db) } }
        expectNamed("agent", "team_id", "queue next") { _ = try day.queue() }
        let problems = try day.db.integrityProblems()
        #expect(problems.contains { $0.contains("agent row 1, column team_id") && $0.contains("table team") }, "\(problems)")
    }

    /// Audit defect: money stored as text (or a blob, or a fraction) read as 0 through SQL SUM,
    /// and a malformed sold_at dropped the sale: pay, the seat report and standings showed lower
    /// figures with rc 0. The guard they call first names the row and column.
    @Test func theAggregateGuardNamesTextMoneyAndABadSaleDay() throws {
        let day = try center()
        try day.db.read { db in try Sales.verifyAggregatedColumns(db) }
        for (change, column) in [("premium_fen = 'abc'", "premium_fen"), ("premium_fen = x'00ff'", "premium_fen"), ("premium_fen = 400.5", "premium_fen"),
                                 ("commission_fen = 'abc'", "commission_fen"), ("sold_at = 'yesterday'", "sold_at")] {
            let original = try day.db.read { db in try Row.fetchOne(db, sql: "SELECT premium_fen, commission_fen, sold_at FROM policy WHERE id = 1")! }
            try damage(day, "UPDATE policy SET \(change) WHERE id = 1")
            expectNamed("policy", column, change) { try day.db.read { db in try Sales.verifyAggregatedColumns(db) } }
            try damage(day, "UPDATE policy SET premium_fen = \(original["premium_fen"] as Int64), commission_fen = \(original["commission_fen"] as Int64), sold_at = '\(original["sold_at"] as String)' WHERE id = 1")
        }
        try day.db.read { db in try Sales.verifyAggregatedColumns(db) }
    }

    @Test func textInPolicyAgentIsNamedByEveryReader() throws {
        let day = try center()
        #expect(try checkLines(day).isEmpty)
        try damage(day, "UPDATE policy SET agent_id = 'x' WHERE id = 1")
        let renewals = Renewals(settings: day.settings, clock: day.clock)
        let sales = Sales(settings: day.settings, clock: day.clock)
        expectNamed("policy", "agent_id", "renewals cohort") { _ = try day.db.read { db in try renewals.cohort(db, soldIn: CivilDay("2026-11-01")!) } }
        expectNamed("policy", "agent_id", "sales policies") {
            _ = try day.db.read { db in try sales.policies(db, soldFrom: "2026-11-01", soldTo: "2026-12-01") }
        }
        expectNamed("policy", "agent_id", "commission kept") { _ = try day.db.read { db in try Sales.commissionKept(db, from: "2026-11-01", to: "2026-12-01") } }
        expectNamed("policy", "agent_id", "sales per agent") {
            _ = try day.db.read { db in try ActivityFigures.salesPerAgent(db, from: "2026-11-01", to: "2026-12-01") }
        }
        expectNamed("policy", "agent_id", "per agent and day") {
            _ = try day.db.read { db in try ActivityFigures.perAgentDay(db, from: "2026-11-01", to: "2026-12-01") }
        }
        expectNamed("call and policy", "agent_id", "proposals") {
            _ = try day.db.read { db in try ActivityFigures.proposalsPerAgent(db, from: "2026-11-01", to: "2026-12-01") }
        }
        try day.at("2026-11-28T09:00")
        let late = Renewals(settings: day.settings, clock: day.clock)
        expectNamed("policy", "agent_id", "late deliveries") { _ = try day.db.read(late.lateDeliveries) }
        expectNamed("policy", "agent_id", "lead story") { _ = try day.db.read { db in try LeadStory.tell(db, lead: 1, settings: day.settings, clock: day.clock) } }
        #expect(try checkLines(day).contains { $0.contains("policy row 1, column agent_id: \"x\" is not an integer") })
    }

    @Test func aBadPremiumStatusOrLapseDayIsNamedNotATrap() throws {
        let day = try center()
        let sales = Sales(settings: day.settings, clock: day.clock)
        let renewals = Renewals(settings: day.settings, clock: day.clock)
        try damage(day, "UPDATE policy SET premium_fen = 'abc' WHERE id = 1")
        expectNamed("policy", "premium_fen", "cancel") { try day.db.transaction { db in try sales.cancel(db, policy: 1, reason: "r") } }
        // The cancellation was rolled back with its error: the policy is in force still.
        #expect(try day.db.read { db in try String.fetchOne(db, sql: "SELECT status FROM policy WHERE id = 1") } == "in_force")
        expectNamed("policy", "premium_fen", "lead story") { _ = try day.db.read { db in try LeadStory.tell(db, lead: 1, settings: day.settings, clock: day.clock) } }

        try damage(day, "UPDATE policy SET premium_fen = 120000, status = 'sold' WHERE id = 1")
        expectNamed("policy", "status", "cancel") { try day.db.transaction { db in try sales.cancel(db, policy: 1, reason: "r") } }
        expectNamed("policy", "status", "deliver") { try day.db.transaction { db in try renewals.deliver(db, policy: 1) } }
        #expect(try checkLines(day).contains { $0.contains("policy row 1, column status: \"sold\" is not one of in_force, cancelled, lapsed") })

        try damage(day, "UPDATE policy SET status = 'lapsed', lapsed_on = '2026-13-01' WHERE id = 1")
        expectNamed("policy", "lapsed_on", "collect") {
            _ = try day.db.transaction { db in try renewals.collect(db, policy: 1, amount: Money(yuan: 100)) }
        }
        expectNamed("policy", "lapsed_on", "cohort") { _ = try day.db.read { db in try renewals.cohort(db, soldIn: CivilDay("2026-11-01")!) } }
        #expect(try checkLines(day).contains { $0.contains("policy row 1, column lapsed_on: \"2026-13-01\" is not a day") })
    }

    @Test func textInCallAgentIsNamed() throws {
        let day = try center()
        try damage(day, "UPDATE call SET agent_id = 'x' WHERE lead_id = 2")
        expectNamed("call", "agent_id", "per agent and day") {
            _ = try day.db.read { db in try ActivityFigures.perAgentDay(db, from: "2026-11-01", to: "2026-12-01") }
        }
        // A period that ends inside a day reads the calls themselves (the aggregate holds whole days).
        expectNamed("call and policy", "agent_id", "per agent") {
            _ = try day.db.read { db in try ActivityFigures.perAgent(db, from: "2026-11-20T00:00:00", to: "2026-11-20T12:00:00") }
        }
        expectNamed("call", "agent_id", "lead story") { _ = try day.db.read { db in try LeadStory.tell(db, lead: 2, settings: day.settings, clock: day.clock) } }
        #expect(try checkLines(day).contains { $0.contains("column agent_id: \"x\" is not an integer") && $0.hasPrefix("call.agent_id") })
    }

    @Test func householdLedgerTouchAndPaymentColumnsAreNamed() throws {
        let day = try center()
        // A family member's age as text.
        try damage(day, "INSERT INTO family_member (lead_id, relation, age) VALUES (1, 'child', 'young')")
        let households = Households(settings: day.settings, clock: day.clock)
        expectNamed("family_member", "age", "household") {
            _ = try day.db.read { db in try households.household(db, lead: LeadProgress.lead(db, id: 1)!) }
        }
        try damage(day, "DELETE FROM family_member")

        // A hand-over to an agent id that is text.
        try damage(day, "INSERT INTO customer_ledger (lead_id, at, from_agent_id, to_agent_id, reason) VALUES (1, '2026-11-20T11:00:00', NULL, 'x', 'r')")
        expectNamed("customer_ledger", "to_agent_id", "hand-overs") { _ = try day.db.read { db in try CustomerServicing.history(db, customer: 1) } }

        // A touch of a kind no callops writes, then one on a day that is not one.
        let programmes = Programmes(settings: day.settings, clock: day.clock)
        try damage(day, "INSERT INTO customer_touch (lead_id, agent_id, kind, on_day, recorded_at) VALUES (1, 1, 'party', '2026-11-21', '2026-11-21T10:00:00')")
        expectNamed("customer_touch", "kind", "programme") { _ = try day.db.read { db in try programmes.rows(db) } }
        try damage(day, "UPDATE customer_touch SET kind = 'gift', on_day = '2026-02-30'")
        expectNamed("customer_touch", "on_day", "programme") { _ = try day.db.read { db in try programmes.rows(db) } }
        try damage(day, "DELETE FROM customer_touch")

        // A renewal payment paid on a day that is not one, and of an amount that is text.
        try damage(day, """
            INSERT INTO renewal_payment (policy_id, installment, due_on, amount_fen, paid_on, recorded_at)
            VALUES (1, 1, '2026-12-20', 10000, '2026-12-32', '2026-12-20T10:00:00')
            """)
        expectNamed("renewal_payment", "paid_on", "programme") { _ = try day.db.read { db in try programmes.rows(db) } }
        try damage(day, "UPDATE renewal_payment SET paid_on = '2026-11-20', due_on = '2026-11-20', amount_fen = 'abc'")
        let renewals = Renewals(settings: day.settings, clock: day.clock)
        expectNamed("renewal_payment", "amount_fen", "renewals report") { _ = try day.db.read { db in try renewals.report(db) } }

        let lines = try checkLines(day)
        for expected in ["customer_ledger row 1, column to_agent_id: \"x\" is not an integer",
                         "renewal_payment row 1, column amount_fen: \"abc\" is not an integer"] {
            #expect(lines.contains { $0.contains(expected) }, "\(expected) in \(lines)")
        }
    }

    /// A lead's cadence stage no callops writes is named by the queue and the call recorder, and by check.
    @Test func anUnknownLeadStageIsNamed() throws {
        let day = try center()
        try damage(day, "UPDATE lead SET stage = 'warm' WHERE id = 2")
        expectNamed("lead", "stage", "next-call queue") {
            _ = try day.db.read { db in try NextCallQueue(settings: day.settings, clock: day.clock).entries(db, agent: "A1") }
        }
        expectNamed("lead", "stage", "a call recorded") { try day.call(2, .connected, talk: 30, at: "2026-11-20T11:00") }
        let lines = try checkLines(day)
        #expect(lines == ["lead.stage holds known values: lead row 2, column stage: \"warm\" is not one of new, connected, interested, proposal"], "\(lines)")
    }

    @Test func checkListsEveryBadFollowUpColumnAndOnlyThose() throws {
        let day = try center()
        #expect(try checkLines(day).isEmpty)
        try damage(day, """
            UPDATE call SET disposition = 'maybe', callback_at = 'soon' WHERE lead_id = 2;
            UPDATE policy SET insured = 'dog', stabilized_at = '2026-11-31T10:00:00', lead_id = 'one';
            INSERT INTO customer_touch (lead_id, agent_id, kind, on_day, recorded_at) VALUES ('one', 1, 'gift', '2026-11-21', '2026-11-21T10:00:00');
            """)
        let lines = try checkLines(day)
        for expected in ["column disposition: \"maybe\"", "column callback_at: \"soon\" is not a local time", "column insured: \"dog\"",
                         "column stabilized_at: \"2026-11-31T10:00:00\" is not a local time", "policy row 1, column lead_id: \"one\" is not an integer",
                         "customer_touch row 1, column lead_id: \"one\" is not an integer"] {
            #expect(lines.contains { $0.contains(expected) }, "\(expected) in \(lines)")
        }
        #expect(lines.count == 6, "\(lines)")
    }
}
