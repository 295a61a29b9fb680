import CallOpsCore
import CallOpsStore
import Roster
import Testing

@testable import BackOffice

/// The stored 3:3:1 targets read back for a report's period (SPEC section 8).
@Suite struct PeriodTargetsTests {
    let november = CivilMonth("2026-11")!, december = CivilMonth("2026-12")!

    @Test func proratedByWorkingDaysOverTheMonthsTouched() {
        let t = MonthTargets(premium: Money(yuan: 21_000), sales: 21, proposals: 63, effectiveCalls: 189, dailyEffectiveCalls: 9)
        // 5 of November's 21 working days.
        let week = PeriodTargets.prorate([november: t], shares: [WorkingDays.MonthShare(month: november, days: 5, monthDays: 21)])
        #expect(week == PeriodTargets(effectiveCalls: 45, proposals: 15, sales: 5, premium: Money(yuan: 5_000), dailyEffectiveCalls: 9))
        // A month without stored targets adds nothing; none at all is nil, not zero.
        let shares = [WorkingDays.MonthShare(month: november, days: 7, monthDays: 21), WorkingDays.MonthShare(month: december, days: 4, monthDays: 23)]
        #expect(PeriodTargets.prorate([november: t], shares: shares)?.sales == 7)
        #expect(PeriodTargets.prorate([:], shares: shares) == nil)
    }

    @Test func theDailyTargetAcrossTwoMonthsIsWeightedByTheirWorkingDays() {
        let october = CivilMonth("2026-10")!
        let low = MonthTargets(premium: Money(yuan: 16_666.67), sales: 9, proposals: 27, effectiveCalls: 81, dailyEffectiveCalls: 5)
        let high = MonthTargets(premium: Money(yuan: 33_333.33), sales: 17, proposals: 51, effectiveCalls: 153, dailyEffectiveCalls: 8)
        // 26 October to 6 November: 5 working days at 5 a day, 5 at 8.
        let shares = [WorkingDays.MonthShare(month: october, days: 5, monthDays: 22), WorkingDays.MonthShare(month: november, days: 5, monthDays: 21)]
        #expect(PeriodTargets.prorate([october: low, november: high], shares: shares)?.dailyEffectiveCalls == 6.5)
        // A month without targets does not pull the daily target down.
        #expect(PeriodTargets.prorate([november: high], shares: shares)?.dailyEffectiveCalls == 8)
    }

    @Test func rowsStoredBeforeProposalsWereKeptDeriveThem() throws {
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", status: .active),
            ], hasSeatColumn: false), file: "t")
            try Planning.store(db, agent: "A1", month: "2026-11", targets: ActivityTargets.from(annualIncome: Money(yuan: 120_000), rules: Settings.defaults.planning))
            try Planning.store(db, agent: "A1", month: "2026-12", targets: ActivityTargets.from(annualIncome: Money(yuan: 72_000), rules: Settings.defaults.planning))
            // As planning.v1 left them: no proposals, no daily target.
            try db.execute(sql: "UPDATE activity_target SET monthly_proposals = NULL, daily_effective_calls = NULL WHERE month = '2026-12'")
        }
        let read = try db.read { db in try Planning.monthTargets(db, months: [november, december], rules: Settings.defaults.planning) }
        let agent = try #require(read.values.first)
        #expect(agent[november] == MonthTargets(premium: Money(fen: 3_333_333), sales: 17, proposals: 51, effectiveCalls: 153, dailyEffectiveCalls: 8))
        // 72,000: 10 sales → 30 proposals; 90 calls → 23 a week → 5 a day.
        #expect(agent[december] == MonthTargets(premium: Money(yuan: 20_000), sales: 10, proposals: 30, effectiveCalls: 90, dailyEffectiveCalls: 5))
    }
}
