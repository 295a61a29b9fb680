import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster
import Testing

@testable import FollowUp

/// Customer programmes (seed 003: 新客121, 老客121N).
@Suite struct ProgrammeTests {
    let rules = Settings.defaults.programmes
    let sold = CivilDay("2026-01-10")!

    func day(_ n: Int) -> CivilDay { sold.adding(days: n) }

    @Test func newCustomer121IsOneCareTwoTouchesOneAttemptInsideNinetyDays() {
        let window = Programme.window(firstSale: sold, on: day(30), rules: rules)
        #expect(window == ProgrammeWindow(kind: .newCustomer, year: 0, start: sold, end: CivilDay("2026-04-10")!))
        // The stabilisation call on day 2 is the care contact; a touch on day 90 still counts.
        var facts = ProgrammeFacts(firstSale: sold, careContacts: [day(2)], touches: [day(30), day(90)], attempts: [day(60)])
        let done = Programme.progress(facts, in: window, today: day(90), rules: rules)
        #expect(done.steps[.care] == ProgrammeStep(done: 1, required: 1) && done.steps[.touches] == ProgrammeStep(done: 2, required: 2))
        #expect(done.steps[.attempts] == ProgrammeStep(done: 1, required: 1) && done.complete && done.overdue.isEmpty && done.daysLeft == 0)
        #expect(Programme.completedNewCustomer(facts, rules: rules))
        // On day 91 it is too late: the touch falls in 121N's first year instead.
        facts.touches = [day(30), day(91)]
        #expect(!Programme.completedNewCustomer(facts, rules: rules))
        #expect(Programme.progress(facts, in: window, today: day(91), rules: rules).steps[.touches] == ProgrammeStep(done: 1, required: 2))
        // A personal visit is the care contact when no call was; a second visit is a touch.
        let visits = ProgrammeFacts(firstSale: sold, visits: [day(5), day(20)], touches: [day(40)], attempts: [day(70)])
        let byVisits = Programme.progress(visits, in: window, today: day(80), rules: rules)
        #expect(byVisits.steps[.care]?.done == 1 && byVisits.steps[.touches]?.done == 2 && byVisits.complete)
    }

    @Test func stepsFallDueAlongTheWindowAndTurnOverdue() {
        let window = Programme.window(firstSale: sold, on: sold, rules: rules)
        let facts = ProgrammeFacts(firstSale: sold, careContacts: [day(2)])
        // The first touch is due by day 45 (queue_days 14 ahead: from day 31), the attempt by day 90.
        let day30 = Programme.progress(facts, in: window, today: day(30), rules: rules)
        #expect(day30.due.isEmpty && day30.overdue.isEmpty && day30.nextDeadline == day(45) && day30.daysLeft == 60)
        let day31 = Programme.progress(facts, in: window, today: day(31), rules: rules)
        #expect(day31.due == [.touches] && day31.overdue.isEmpty)
        let day46 = Programme.progress(facts, in: window, today: day(46), rules: rules)
        #expect(day46.overdue == [.touches] && day46.due == [.touches])
        let day80 = Programme.progress(facts, in: window, today: day(80), rules: rules)
        #expect(day80.due == [.touches, .attempts] && day80.overdue == [.touches])
        #expect(Programme.progress(facts, in: window, today: day(80), rules: rules, dueWithin: 0).due == [.touches])
        // Nothing can be due before day 31 (the first touch by day 45, 14 days' notice), even with nothing done.
        #expect(Programme.daysBeforeAnythingDue(rules: rules) == 31)
        let nothing = ProgrammeFacts(firstSale: sold)
        #expect(Programme.progress(nothing, in: window, today: day(30), rules: rules).due.isEmpty)
        #expect(!Programme.progress(nothing, in: window, today: day(31), rules: rules).due.isEmpty)
    }

    @Test func existingCustomer121NRunsInProgrammeYearsAfter121() {
        // Day 91 opens 121N's first year, a calendar year long; its last day and the next year's first.
        let first = Programme.window(firstSale: sold, on: day(91), rules: rules)
        #expect(first == ProgrammeWindow(kind: .existing, year: 1, start: CivilDay("2026-04-11")!, end: CivilDay("2027-04-10")!))
        #expect(Programme.window(firstSale: sold, on: CivilDay("2027-04-10")!, rules: rules).year == 1)
        let second = Programme.window(firstSale: sold, on: CivilDay("2027-04-11")!, rules: rules)
        #expect(second == ProgrammeWindow(kind: .existing, year: 2, start: CivilDay("2027-04-11")!, end: CivilDay("2028-04-10")!))
        #expect(Programme.window(firstSale: sold, on: CivilDay("2031-05-01")!, rules: rules).year == 6)
        // The anniversary's renewal premium is the renewal service; referrals are counted, no target.
        let facts = ProgrammeFacts(firstSale: sold, careContacts: [day(2)], visits: [CivilDay("2026-06-01")!],
                                   touches: [CivilDay("2026-09-01")!, CivilDay("2027-05-01")!], attempts: [CivilDay("2026-12-01")!],
                                   renewalServices: [CivilDay("2027-01-10")!],
                                   referrals: [CivilDay("2026-03-01")!, CivilDay("2026-08-01")!, CivilDay("2026-10-01")!])
        let year1 = Programme.progress(facts, in: first, today: CivilDay("2027-04-10")!, rules: rules)
        #expect(year1.steps == [.care: ProgrammeStep(done: 1, required: 1), .touches: ProgrammeStep(done: 2, required: 2),
                                .attempts: ProgrammeStep(done: 1, required: 1), .referrals: ProgrammeStep(done: 2, required: 0)])
        #expect(year1.complete)
        let year2 = Programme.progress(facts, in: second, today: CivilDay("2027-05-02")!, rules: rules)
        #expect(year2.steps[.touches]?.done == 1 && year2.steps[.care]?.done == 0 && !year2.complete)
        // With a referral target set in config, 121N asks for it.
        var strict = rules
        strict.referralsTarget = 3
        #expect(!Programme.progress(facts, in: first, today: CivilDay("2027-04-10")!, rules: strict).complete)
    }

    @Test func touchesNurtureCallsAndTheQueueFollowTheServicingAgent() throws {
        let center = try AgentDay(leads: 2)
        try center.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 300)))
        try center.call(1, .connected, talk: 120, at: "2026-11-22T10:05")
        let programmes = { Programmes(settings: center.settings, clock: center.clock) }
        // A touch is refused on a lead that is no customer, in the future, and before the first policy.
        try center.at("2026-11-25T10:00")
        #expect(throws: CallOpsError.self) { try center.db.transaction { db in try programmes().touch(db, customer: 2, kind: .gift, day: nil, note: nil) } }
        #expect(throws: CallOpsError.self) {
            try center.db.transaction { db in try programmes().touch(db, customer: 1, kind: .gift, day: CivilDay("2026-11-26"), note: nil) }
        }
        #expect(throws: CallOpsError.self) {
            try center.db.transaction { db in try programmes().touch(db, customer: 1, kind: .gift, day: CivilDay("2026-11-19"), note: nil) }
        }
        #expect(try center.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer_touch") } == 0)
        let agent = try center.db.transaction { db in try programmes().touch(db, customer: 1, kind: .event, day: CivilDay("2026-11-24"), note: "沙龙") }
        #expect(agent == "A1")
        var rows = try center.db.read { db in try programmes().rows(db) }
        #expect(rows.count == 1 && rows[0].programme == .newCustomer && rows[0].windowStart == "2026-11-20" && rows[0].windowEnd == "2027-02-18")
        #expect(rows[0].steps.care == ProgrammeStep(done: 1, required: 1) && rows[0].steps.touches == ProgrammeStep(done: 1, required: 2))
        // Nothing is due yet: the second touch is due by day 90, the attempt too.
        try center.at("2026-12-21T10:00")
        #expect(try center.queue().filter { $0.reason == .programme }.isEmpty)
        try center.at("2027-02-05T10:00")
        let due = try center.queue().filter { $0.reason == .programme }
        #expect(due.map(\.leadID) == [1] && due[0].dueAt == "2027-02-04T09:00:00", "\(due)")
        #expect(due[0].purpose.hasPrefix("programme 121: nurturing touches 1/2, conversion attempt 0/1 by 2027-02-18"))

        // A1 leaves: the programme, its queue and its touches go to A2.
        try center.at("2027-02-05T10:30")
        _ = try center.db.transaction { db in
            try Departure(settings: center.settings, clock: center.clock).leave(db, agent: "A1", leftOn: CivilDay("2027-02-05")!, to: "A2", reason: nil, seed: 1)
        }
        try center.db.transaction { db in try db.execute(sql: "UPDATE agent SET status = 'active' WHERE code = 'A2'") }
        rows = try center.db.read { db in try programmes().rows(db) }
        #expect(rows.map(\.agentCode) == ["A2"])
        #expect(try center.queue("A2").map { "\($0.leadID) \($0.reason.rawValue)" } == ["1 programme"])
        // A2's nurture call that reaches the customer is the second touch; one that does not is none.
        try center.at("2027-02-05T11:00")
        try center.call(1, .noAnswer, at: "2027-02-05T10:40", agent: "A2")
        let missed = try center.db.transaction { db in try programmes().recordNurtureCall(db, callID: "1-2027-02-05T10:40-no_answer") }
        try center.call(1, .connected, talk: 200, at: "2027-02-05T10:50", agent: "A2")
        let reached = try center.db.transaction { db in try programmes().recordNurtureCall(db, callID: "1-2027-02-05T10:50-connected") }
        #expect(!missed && reached)
        rows = try center.db.read { db in try programmes().rows(db) }
        #expect(rows[0].steps.touches == ProgrammeStep(done: 2, required: 2) && rows[0].steps.care.done == 1)
        #expect(try center.db.read { db in try String.fetchOne(db, sql: "SELECT agent.code FROM customer_touch JOIN agent ON agent.id = customer_touch.agent_id WHERE kind = 'call'") } == "A2")
        // Only `--due-within` rows with a step due then: the attempt by 2027-02-18 is within 14 days.
        #expect(try center.db.read { db in try programmes().rows(db, dueWithin: 5) }.isEmpty)
        #expect(try center.db.read { db in try programmes().rows(db, dueWithin: 14) }.map(\.customer) == [1])
    }

    @Test func attemptsNeedASuggestionPastFreeLookAndTheSeatFiguresCountReferralsAnd121InTime() throws {
        let center = try AgentDay(leads: 2)
        try center.call(1, .sale, talk: 600, at: "2026-11-20T10:05", sale: SaleInput(product: "ACC01", premium: Money(yuan: 300)))
        // Inside free-look a proposal is no conversion attempt; past it, with the spouse's and
        // child's cover to offer, it is.
        try center.call(1, .proposal, talk: 300, at: "2026-11-25T10:00")
        try center.at("2026-11-28T10:00")
        try center.db.transaction { db in
            _ = try Referrals(settings: center.settings, clock: center.clock).add(db, customer: 1, name: "王五", phone: "13900000099", note: nil)
        }
        let programmes = { Programmes(settings: center.settings, clock: center.clock) }
        var rows = try center.db.read { db in try programmes().rows(db) }
        #expect(rows[0].steps.attempts.done == 0 && rows[0].steps.care.done == 1 && rows[0].steps.referrals == ProgrammeStep(done: 1, required: 0))
        try center.call(1, .proposal, talk: 300, at: "2026-12-10T10:00")
        try center.at("2026-12-10T11:00")
        rows = try center.db.read { db in try programmes().rows(db) }
        #expect(rows[0].steps.attempts.done == 1)
        let november = try center.db.read { db in
            try programmes().seatFigures(db, from: CivilDay("2026-11-01")!, to: CivilDay("2026-11-30")!)
        }
        let a1 = try center.db.read { db in try Roster.agent(db, code: "A1").id }
        #expect(november[a1]?.referrals == 1 && november[a1]?.due121 == 0 && november[a1]?.rate121 == nil)
        // 121 ends on 2027-02-18 with no nurturing touch: due in February, not completed in time.
        try center.at("2027-03-01T10:00")
        var february = try center.db.read { db in try programmes().seatFigures(db, from: CivilDay("2027-02-01")!, to: CivilDay("2027-02-28")!) }
        #expect(february[a1]?.due121 == 1 && february[a1]?.rate121 == 0 && february[a1]?.referrals == 0)
        // Touches recorded in time complete it.
        for on in ["2026-12-20", "2027-02-18"] {
            _ = try center.db.transaction { db in try programmes().touch(db, customer: 1, kind: .info, day: CivilDay(on), note: nil) }
        }
        february = try center.db.read { db in try programmes().seatFigures(db, from: CivilDay("2027-02-01")!, to: CivilDay("2027-02-28")!) }
        #expect(february[a1]?.rate121 == 1)
    }
}
