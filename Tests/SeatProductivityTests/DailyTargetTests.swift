import CallOpsCore
import Foundation
import Testing

@testable import SeatProductivity

/// Calls per working day counts only the months that carry a target (SPEC section 8: a period's
/// target sums the months it touches); an outside audit found a month without a target diluting
/// the daily figure with its working days.
@Suite struct DailyTargetTests {
    @Test func aMonthWithoutATargetAddsNeitherDaysNorCalls() throws {
        let center = try SmallCenter()
        // A1 has November's targets only, A2 November's and December's (8 a day in each).
        try center.storeTargets("A1", "2026-11", income: 120_000)
        try center.storeTargets("A2", "2026-11", income: 120_000)
        try center.storeTargets("A2", "2026-12", income: 120_000)
        try center.importCalls("d1,A1,13900000001,2026-11-24T10:00:00,120,connected,,,,,\n")
        let report = try center.report(month: nil, from: "2026-11-23", to: "2026-12-06")
        let a1 = try #require(report.agents.first { $0.agentCode == "A1" })
        let a2 = try #require(report.agents.first { $0.agentCode == "A2" })
        // A1: d1 (24 November) and c4 (1 December) are effective; only d1 is in a month with a
        // target, over November's 6 working days of the period (not all 10).
        #expect(a1.effectiveCalls == 2 && a1.targetedEffectiveCalls == 1 && a1.targetedWorkingDays == 6)
        #expect(a1.targets?.dailyEffectiveCalls == 8)
        #expect(abs((a1.attainmentBy?.dailyEffectiveCalls ?? 0) - 1.0 / 6 / 8) < 1e-12)
        // A2: both months carry a target: all 10 working days count.
        #expect(a2.targetedWorkingDays == 10 && a2.targets?.dailyEffectiveCalls == 8)
        // The agents' total: each agent's calls a targeted day, summed, against 8 + 8.
        let total = try #require(report.agentTotal.attainment?.dailyEffectiveCalls)
        #expect(abs(total - (1.0 / 6 + Double(a2.targetedEffectiveCalls) / 10) / 16) < 1e-12)
    }
}
