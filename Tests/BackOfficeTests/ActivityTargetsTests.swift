import CallOpsCore
import Testing

@testable import BackOffice

@Suite struct ActivityTargetsTests {
    /// Audit 7: rules the config loader refuses (zero divisors, huge products) crashed the
    /// arithmetic; built in code past the loader, they still give counts, never a trap.
    @Test func rulesPastTheLoaderDoNotTrap() {
        var rules = Settings.defaults.planning
        rules.fycRatePercent = 0
        rules.averagePremium = 0
        rules.weeksPerMonth = 0
        rules.workdaysPerWeek = 0
        rules.proposalsPerSale = 100_000_000
        rules.effectiveCallsPerProposal = 100_000_000
        let t = ActivityTargets.from(annualIncome: Money(yuan: 100_000_000), rules: rules)
        #expect(t.monthlySales > 0 && t.monthlyEffectiveCalls >= t.monthlyProposals && t.dailyEffectiveCalls > 0)
        #expect(ActivityTargets.from(annualIncome: Money(fen: .max), rules: rules).monthlyFYC.fen > 0)
    }

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
