import CallOpsCore
import Testing

@testable import BackOffice

@Suite struct ActivityTargetsTests {
    @Test func seed001Example() {
        // Annual income 120,000 → FYC 10,000, premium 33,333.33, 17 sales, 51 proposals,
        // 153 effective calls, 39 a week, 8 a day.
        let t = ActivityTargets.from(annualIncome: Money(yuan: 120_000), rules: Settings.defaults.planning)
        #expect(t.monthlyFYC == Money(yuan: 10_000))
        #expect(t.monthlyPremium == Money(fen: 3_333_333))
        #expect(t.monthlySales == 17 && t.monthlyProposals == 51 && t.monthlyEffectiveCalls == 153)
        #expect(t.weeklyEffectiveCalls == 39 && t.dailyEffectiveCalls == 8)
    }

    @Test func exactMultiplesDoNotRoundUp() {
        // 72,000 a year: FYC 6,000, premium 20,000 → exactly 10 sales, 30 proposals, 90 calls, 23 a week, 5 a day.
        let t = ActivityTargets.from(annualIncome: Money(yuan: 72_000), rules: Settings.defaults.planning)
        #expect(t.monthlySales == 10 && t.monthlyEffectiveCalls == 90 && t.weeklyEffectiveCalls == 23 && t.dailyEffectiveCalls == 5)
    }
}
