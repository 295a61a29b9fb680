import CallOpsCore
import Foundation
@testable import LeadData
import Testing

@testable import FollowUp

/// The compact forms in which the calls import holds its leads between their read and their
/// first call, and between their last call and their write (`CallImport+LeadOrder.swift`): what
/// they hold must come back exactly, and what they cannot hold must be refused, so that the lead
/// is read and written the slow way instead.
@Suite struct CallImportLeadOrderTests {
    let clock = try! Clock(fixed: "2026-11-23T21:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func row(status: String = "open", stage: String? = "connected", followUps: Int = 2, unanswered: Int = 1,
             nextDueAt: String? = "2026-11-25T10:00:00", callbackAt: String? = nil) -> LeadProgress.CadenceRow {
        LeadProgress.CadenceRow(id: 7, agentID: 3, status: status, stage: stage, followUps: followUps, unanswered: unanswered,
                                lastContactAt: "2026-11-20T09:30:00", nextDueAt: nextDueAt, callbackAt: callbackAt, age: 40)
    }

    @Test func aTimeIsHeldToTheSecondFrom2001To2069() throws {
        typealias Time = BulkCallImport.CompactTime
        #expect(Time.of(nil) == Time.none)
        #expect(Time.date(Time.none) == nil)
        let date = try #require(clock.parse("2026-11-23T10:15:42"))
        #expect(Time.of(date).flatMap(Time.date) == date)
        #expect(Time.of(date.addingTimeInterval(0.5)) == nil)
        #expect(Time.of(try #require(clock.parse("2080-01-01T00:00:00"))) == nil)
        #expect(Time.of(try #require(clock.parse("1990-06-01T08:00:00"))).flatMap(Time.date) == clock.parse("1990-06-01T08:00:00"))
    }

    @Test func aLeadRowComesBackAsTheCadenceLoadMakesOfIt() throws {
        let start = try #require(BulkCallImport.LeadStart(row(callbackAt: "2026-11-24T15:00:00"), clock: clock, existingFrom: 12))
        let state = start.cadence
        #expect(state.outcome == .open && state.stage == .connected && state.followUps == 2 && state.unanswered == 1)
        #expect(state.lastContactAt == clock.parse("2026-11-20T09:30:00"))
        #expect(state.nextDueAt == clock.parse("2026-11-25T10:00:00"))
        #expect(state.callbackAt == clock.parse("2026-11-24T15:00:00"))
        #expect(start.agent == 3 && start.holdsCallback && start.existingFrom == 12)
        #expect(BulkCallImport.LeadStart(row(status: "won"), clock: clock, existingFrom: 0)?.cadence.outcome == .won)
        // Follow-ups written past their range are clamped, as `load` clamps them.
        #expect(BulkCallImport.LeadStart(row(followUps: -4), clock: clock, existingFrom: 0)?.followUps == 0)
    }

    @Test func aRowTheCompactFormCannotHoldIsLeftToLoad() {
        for odd in [row(status: "closed"), row(stage: "qualified"), row(stage: nil), row(unanswered: 3_000_000_000),
                    row(nextDueAt: "2080-01-01T09:00:00")] {
            #expect(BulkCallImport.LeadStart(odd, clock: clock, existingFrom: 0) == nil)
        }
    }

    @Test func theLeadsAreHeldOnceInIdOrder() {
        let leads = BulkCallImport.ReplayLeads(leads: [40, 7, 40, 1_000_000_000_000, 7, 3])
        #expect(leads.ids == [3, 7, 40, 1_000_000_000_000])
        #expect([3, 7, 40, 1_000_000_000_000].map(leads.slot) == [0, 1, 2, 3])
        #expect(BulkCallImport.ReplayLeads(leads: []).ids.isEmpty)
    }

    @Test func aReasonIsHeldOnce() {
        var reasons = BulkCallImport.ReplayLeads.Reasons()
        #expect([reasons.index("sold"), reasons.index("refused"), reasons.index("sold")] == [0, 1, 0])
        #expect(reasons.texts == ["sold", "refused"])
    }
}
