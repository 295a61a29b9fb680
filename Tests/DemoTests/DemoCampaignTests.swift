import BackOffice
import CallOpsCore
import CallOpsStore
import Foundation
import Roster
import Testing

@testable import Demo

/// The demo's campaign and team leads (issue 12 §7: "a campaign paid"): an audit ran the demo on
/// 29 November and its campaign covered 31 October alone, a Saturday before any simulated work,
/// and no agent led a team, so pay never showed an `override` line.
@Suite(.serialized) struct DemoCampaignTests {
    /// The campaign covers the simulated days of the paid month that holds more of them.
    @Test func theCampaignSpansTheSimulatedDaysOfAPaidMonth() {
        func span(_ first: String, _ today: String) -> String {
            let (from, to) = DemoCenter.campaignSpan(first: CivilDay(first)!, today: CivilDay(today)!)
            return "\(from) \(to)"
        }
        // 30 days to 29 November start on 31 October: November's 29 days, the draft's month.
        #expect(span("2026-10-31", "2026-11-29") == "2026-11-01 2026-11-29")
        #expect(span("2026-10-22", "2026-11-20") == "2026-11-01 2026-11-20")
        #expect(span("2026-12-01", "2026-12-30") == "2026-12-01 2026-12-30")
        // Most of the days last month: October's part, paid in October's final run.
        #expect(span("2026-10-05", "2026-11-03") == "2026-10-05 2026-10-31")
        #expect(span("2026-08-31", "2026-11-29") == "2026-10-01 2026-10-31")
        #expect(span("2026-11-29", "2026-11-29") == "2026-11-29 2026-11-29")
    }

    /// The audit's run, smaller: 30 days to 29 November pay campaign lines, and each team's lead
    /// an `override` line.
    @Test func theDemoOnTheTwentyNinthPaysTheCampaignAndTheOverrides() throws {
        let clock = try Clock(fixed: "2026-11-29T12:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        let summary = try DemoCenter.build(db, options: DemoCenter.Options(seed: 7, agents: 10, leads: 900, days: 30), settings: .defaults, clock: clock)
        #expect(summary.campaign == "SPRINT (premium, 2026-11-01 to 2026-11-29)")
        #expect(summary.campaignLines > 0 && summary.campaignPaid > .zero, "\(summary.campaign)")
        #expect(summary.teamLeads == 2 && summary.overrideLines > 0 && summary.overridePaid > .zero,
                "\(summary.teamLeads) leads, \(summary.overrideLines) override lines")
        // The leads stay on: the agent who leaves mid-period is someone else.
        let leads = try db.read { db in try Roster.tenures(db).filter { $0.value.role == .lead }.map(\.value.leftOn) }
        #expect(leads.count == 2 && leads.allSatisfy { $0 == nil })
    }
}
