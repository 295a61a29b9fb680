import CallOpsCore
import CallOpsStore
import Foundation
import Roster
import Testing

@testable import LeadData

@Suite struct RecyclingTests {
    /// Two agents in one team, eight leads allocated to A1 on 2026-11-20 at 10:00.
    func center() throws -> LeadFixture {
        let f = try LeadFixture(now: "2026-11-20T10:00")
        try f.roster([
            RosterRow(line: 0, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active),
            RosterRow(line: 0, code: "A2", name: "乙", team: "一组", hireDate: "2025-01-01", tier: .general, status: .active),
        ])
        _ = try f.importLeads(f.write("l.csv", "phone\n" + (1...8).map { LeadFixture.phone($0) }.joined(separator: "\n") + "\n"))
        _ = try f.db.transaction { db in
            try db.execute(sql: "UPDATE agent SET status = 'probation' WHERE code = 'A2'")
            var options = AllocationOptions()
            options.seed = 1
            _ = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).allocate(db, options: options)
            try db.execute(sql: "UPDATE agent SET status = 'active' WHERE code = 'A2'")
        }
        return f
    }

    func set(_ f: LeadFixture, lead phone: Int, _ assignments: String) throws {
        try f.db.transaction { db in try db.execute(sql: "UPDATE lead SET \(assignments) WHERE phone = ?", arguments: [LeadFixture.phone(phone)]) }
    }

    func status(_ f: LeadFixture, _ phone: Int) throws -> (String, String?) {
        try f.db.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT lead.status, agent.code FROM lead LEFT JOIN agent ON agent.id = lead.agent_id WHERE phone = ?", arguments: [LeadFixture.phone(phone)])!
            return (row[0], row[1])
        }
    }

    @Test func idleLeadsReturnToThePoolButHotOnesStay() throws {
        let f = try center()
        #expect(try f.count("SELECT COUNT(*) FROM lead WHERE status = 'open'") == 8)
        // Lead 1: called after assignment; 2: a future callback; 3: at proposal; 4..8: never called.
        try set(f, lead: 1, "attempts = 1, last_attempt_at = '2026-11-21T10:00:00'")
        try set(f, lead: 2, "attempts = 1, last_attempt_at = '2026-11-20T11:00:00', callback_at = '2026-11-24T15:00:00'")
        try set(f, lead: 3, "attempts = 0, stage = 'proposal'")
        // Two days later nothing is idle yet; on the third day the five untouched leads are.
        try f.at("2026-11-22T10:00")
        #expect(try Recycler(settings: f.settings, clock: f.clock).run(f.db).idle == 0)
        try f.at("2026-11-23T10:00")
        let dry = try Recycler(settings: f.settings, clock: f.clock).run(f.db, dryRun: true)
        #expect(dry.idle == 5 && dry.dryRun)
        #expect(try f.count("SELECT COUNT(*) FROM lead WHERE status = 'pool'") == 0)
        let result = try Recycler(settings: f.settings, clock: f.clock).run(f.db)
        #expect(result.idle == 5)
        // Locked from A1 for the 7 days of `owner_lock_days`.
        let lockedUntil = try f.db.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT locked_until FROM lead WHERE status = 'pool'") }
        #expect(lockedUntil == ["2026-11-30T10:00:00"])
        for lead in 1...3 { #expect(try status(f, lead) == ("open", "A1")) }
        for lead in 4...8 { #expect(try status(f, lead) == ("pool", nil)) }
        // The previous holder does not get them back for 7 days; a teammate does.
        var options = AllocationOptions()
        options.seed = 3
        let again = try Allocator(settings: f.settings, clock: f.clock, sales: Roster.noSales).run(f.db, options: options)
        #expect(again.agents.first { $0.agentCode == "A1" }?.allocated ?? 0 == 0)
        #expect(again.agents.first { $0.agentCode == "A2" }!.allocated == 5)
        let history = try f.db.read { db in try LeadLedger.history(db, lead: 4) }
        #expect(history.map(\.event) == ["assigned", "released", "assigned"])
        #expect(history[1].reason == "idle: no call in 3 days since it was assigned")
    }

    @Test func exhaustedLeadsCoolDownThenGoElsewhereAtMostTwice() throws {
        let f = try center()
        try set(f, lead: 1, "status = 'exhausted', attempts = 6, closed_at = '2026-11-20T12:00:00'")
        try f.at("2026-12-19T12:00")
        #expect(try Recycler(settings: f.settings, clock: f.clock).run(f.db).exhausted == 0)
        try f.at("2026-12-20T12:00")
        let first = try Recycler(settings: f.settings, clock: f.clock).run(f.db)
        #expect(first.exhausted == 1 && first.retired == 0)
        #expect(try status(f, 1) == ("pool", nil))
        #expect(try f.count("SELECT recycle_count FROM lead WHERE phone = '\(LeadFixture.phone(1))'") == 1)
        // Twice recycled and exhausted again: retired.
        try set(f, lead: 1, "status = 'exhausted', recycle_count = 2, closed_at = '2026-12-20T12:00:00'")
        try f.at("2027-01-20T12:00")
        let last = try Recycler(settings: f.settings, clock: f.clock).run(f.db)
        #expect(last.retired == 1)
        #expect(try status(f, 1) == ("retired", nil))
    }

    @Test func callbacksOfLeaversAndOverdueCallbacksGoToATeammate() throws {
        let f = try center()
        try set(f, lead: 1, "attempts = 1, last_attempt_at = '2026-11-20T11:00:00', callback_at = '2026-11-20T16:00:00'")
        try set(f, lead: 2, "attempts = 1, last_attempt_at = '2026-11-20T11:00:00', callback_at = '2026-11-22T16:00:00'")
        try f.at("2026-11-21T17:00")
        // Lead 1's callback is 25 hours overdue: moved. Lead 2's is in the future: kept.
        let result = try Recycler(settings: f.settings, clock: f.clock).run(f.db)
        #expect(result.callbacksMoved == 1)
        #expect(try status(f, 1) == ("open", "A2") && status(f, 2) == ("open", "A1"))
        // A1 leaves: the callback follows the customer to A2, other open leads go to the pool.
        try f.db.transaction { db in try db.execute(sql: "UPDATE agent SET status = 'left' WHERE code = 'A1'") }
        let leaving = try Recycler(settings: f.settings, clock: f.clock).run(f.db)
        #expect(leaving.callbacksMoved == 1 && leaving.fromLeavers == 6)
        #expect(try status(f, 2) == ("open", "A2"))
        let violations = try f.db.read { db in try LeadDataSchema.invariants.flatMap { try $0.violations(db) } }
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func aLeaversCallbackWithNoRoomInTheTeamGoesToThePool() throws {
        let f = try center()
        try set(f, lead: 1, "attempts = 1, last_attempt_at = '2026-11-20T11:00:00', callback_at = '2026-11-22T16:00:00'")
        f.settings.leads.recycling.maxOpenCallbacks = 0
        try f.db.transaction { db in try db.execute(sql: "UPDATE agent SET status = 'left' WHERE code = 'A1'") }
        let result = try Recycler(settings: f.settings, clock: f.clock).run(f.db)
        #expect(result.callbacksStuck == 1 && result.callbacksMoved == 0)
        #expect(try status(f, 1) == ("pool", nil))
        let violations = try f.db.read { db in try LeadDataSchema.invariants.flatMap { try $0.violations(db) } }
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test func dncClosesALeadAndIsNeverAllocated() throws {
        let f = try center()
        let added = try f.db.transaction { db in try DoNotCall.add(db, phones: [LeadFixture.phone(1), "13800000000"], source: "客户要求", clock: f.clock) }
        #expect(added == DoNotCall.AddResult(added: 2, alreadyListed: 0, leadsClosed: 1))
        #expect(try status(f, 1) == ("dnc", nil))
        #expect(try f.db.transaction { db in try DoNotCall.add(db, phones: ["13800000000"], source: "x", clock: f.clock) }.alreadyListed == 1)
        #expect(try DoNotCall.normalize("+86 138-0000-0000") == .success("13800000000"))
        let why = try f.db.read { db in try LeadExplanation.explain(db, lead: 1, clock: f.clock, windows: CallingWindows(f.settings.cadence.windows)) }
        #expect(why.queueNow == "not queued: the number is on the do-not-call list")
        #expect(why.history.last?.reason == "dnc: number added to the do-not-call list (客户要求)")
    }
}
