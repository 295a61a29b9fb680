import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Testing

@testable import FollowUp

/// Issue 17, items 7 and 9: every kind of queue row keeps to the calls-a-day limit and to what is
/// due now; the callback cap holds.
@Suite struct Issue17QueueTests {
    @Test func pacingRules() {
        let clock = try! Clock(fixed: "2026-12-14T10:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let pacing = QueuePacing(settings: .defaults)
        #expect(pacing.maxAttemptsPerDay == 2 && pacing.reminderIntervalDays == 3)
        let now = clock.now
        #expect(pacing.serviceDue(from: now, callsToday: 0, lastAttemptToday: nil, lastReminderContact: nil, clock: clock) == now)
        #expect(pacing.serviceDue(from: now, callsToday: 2, lastAttemptToday: nil, lastReminderContact: nil, clock: clock) == nil)
        let attempt = clock.parse("2026-12-14T09:00")!
        #expect(pacing.serviceDue(from: now, callsToday: 1, lastAttemptToday: attempt, lastReminderContact: nil, clock: clock)
            == clock.parse("2026-12-14T11:00"))
        let contact = clock.parse("2026-12-12T09:00")!
        #expect(pacing.serviceDue(from: now, callsToday: 0, lastAttemptToday: nil, lastReminderContact: contact, clock: clock)
            == clock.parse("2026-12-15T09:00"))
    }

    @Test func aRenewalReminderIsNotRepeatedAtOnce() throws {
        let day = try AgentDay(leads: 2)
        try day.call(1, .sale, talk: 600, at: "2026-11-20T10:05",
                     sale: SaleInput(product: "ACC01", premium: Money(yuan: 1_200), monthly: true))
        // The second monthly premium is due 2026-12-20 and in the queue from 2026-12-13.
        try day.at("2026-12-14T10:00")
        let renewal = try #require(try day.queue().first { $0.reason == .renewal })
        #expect(renewal.leadID == 1)
        try day.call(1, .connected, talk: 120, at: "2026-12-14T10:05")
        for time in ["2026-12-14T10:30", "2026-12-14T15:00", "2026-12-16T10:00", "2026-12-17T09:30"] {
            try day.at(time)
            #expect(!(try day.queue().contains { $0.leadID == 1 }), "reminded at \(time) again")
        }
        // Three days after the contact it is due again; unanswered, it keeps the retry gap and two calls a day.
        try day.at("2026-12-17T10:10")
        #expect(try day.queue().contains { $0.leadID == 1 && $0.reason == .renewal })
        try day.call(1, .noAnswer, at: "2026-12-17T10:10")
        try day.at("2026-12-17T11:00")
        #expect(!(try day.queue().contains { $0.leadID == 1 }))
        try day.at("2026-12-17T13:30")
        #expect(try day.queue().contains { $0.leadID == 1 })
        try day.call(1, .noAnswer, at: "2026-12-17T13:30")
        try day.at("2026-12-17T19:00")
        #expect(!(try day.queue().contains { $0.leadID == 1 }))
        try day.at("2026-12-18T09:00")
        #expect(try day.queue().contains { $0.leadID == 1 })
    }

    @Test func theCallbackCapKeepsTheRestAsFollowUps() throws {
        let day = try AgentDay(leads: 4)
        var settings = Settings.defaults
        settings.leads.recycling.maxOpenCallbacks = 2
        var notes: [String] = []
        for lead in Int64(1)...3 {
            let at = day.clock.parse("2026-11-20T10:1\(lead)")!
            _ = try day.db.transaction { db in
                try CallRecorder(settings: settings, clock: day.clock).record(db, CallInput(
                    callID: "cb\(lead)", agentCode: "A1", leadID: lead, startedAt: at, talkSeconds: 40, disposition: .callback,
                    callbackAt: day.clock.parse("2026-11-23T15:00")), notes: &notes)
            }
        }
        #expect(notes.count == 1 && notes[0].hasPrefix("lead 3: its agent already holds 2 open callbacks (the cap is 2)"), "\(notes)")
        let third = try #require(try day.db.read { db in try LeadProgress.lead(db, id: 3) })
        #expect(third.callbackAt == nil && third.nextDueAt == "2026-11-23T15:00:00" && third.status == "open")
        #expect(try day.db.read { db in try LeadProgress.openCallbacks(db, agent: 1) } == 2)
        // The count runs on every callback recorded: it reads the callbacks' own index, not the agent's leads.
        let plan = try day.db.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM lead WHERE agent_id = ? AND status = 'open' AND callback_at IS NOT NULL",
                             arguments: [1]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("lead_open_callback") }, "\(plan)")
    }
}
