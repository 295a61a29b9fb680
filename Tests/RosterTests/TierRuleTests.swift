import CallOpsCore
import CallOpsStore
import Foundation
import Testing

@testable import Roster

/// The one tier rule (SPEC section 4, seed 000), on its edges.
@Suite struct TierRuleTests {
    let rules = Settings.defaults.roster
    let hired = CivilDay("2025-01-01")!
    let november = CivilDay("2026-11-15")!

    func derived(_ policies: Int, _ fyc: Double, on day: CivilDay? = nil) -> Tier {
        TierRule.resolve(day: day ?? november, hired: hired, rosterTier: nil, review: nil,
                         assessment: MonthSales(policies: policies, fyc: Money(yuan: fyc)), rules: rules).tier
    }

    @Test func coreIsOnePolicyAndThreeThousandOfFYC() {
        #expect(rules.coreMinFYC == 3_000 && rules.coreMinPolicies == 1)
        #expect(derived(1, 3_000) == .core)
        #expect(derived(1, 2_999.99) == .general)
        #expect(derived(0, 0) == .general)
        #expect(derived(5, 2_999.99) == .general)
    }

    @Test func topIsTwoPoliciesAndTenThousandOfFYC() {
        #expect(derived(2, 10_000) == .top)
        #expect(derived(2, 9_999.99) == .core)
        // One policy is never top, however large its commission.
        #expect(derived(1, 10_000) == .core)
        #expect(derived(1, 50_000) == .core)
        #expect(derived(3, 12_000) == .top)
    }

    @Test func newForTheFirstThirtyDaysOfEmployment() {
        let hired = CivilDay("2026-10-01")!
        func tier(_ day: String) -> ResolvedTier {
            TierRule.resolve(day: CivilDay(day)!, hired: hired, rosterTier: nil, review: nil,
                             assessment: MonthSales(policies: 2, fyc: Money(yuan: 10_000)), rules: rules)
        }
        // The hire date is day 1: day 30 (10-30) is new, day 31 (10-31) is judged on September's sales.
        #expect(tier("2026-10-01").tier == .new && tier("2026-10-01").why.hasPrefix("day 1 of employment"))
        #expect(tier("2026-10-30").tier == .new && tier("2026-10-30").why.hasPrefix("day 30 of employment"))
        #expect(tier("2026-10-31") == ResolvedTier(tier: .top, source: .derived,
                                                   why: "2026-09: 2 policies kept, FYC 10,000.00 (top from 2 and 10,000.00)"))
        // Not yet started: new.
        #expect(tier("2026-09-20").tier == .new)
    }

    @Test func theAssessmentMonthIsTheLastCompleteMonthBeforeTheDay() {
        #expect(TierRule.assessmentMonth(for: CivilDay("2026-11-01")!) == CivilMonth("2026-10"))
        #expect(TierRule.assessmentMonth(for: CivilDay("2026-11-30")!) == CivilMonth("2026-10"))
        #expect(TierRule.assessmentMonth(for: CivilDay("2026-12-01")!) == CivilMonth("2026-11"))
        #expect(TierRule.assessmentMonth(for: CivilDay("2027-01-15")!) == CivilMonth("2026-12"))
    }

    @Test func theRosterWinsThenTheReviewFromItsMonthOn() {
        let sales = MonthSales(policies: 2, fyc: Money(yuan: 10_000))
        let review = ReviewRank(month: CivilMonth("2026-12")!, tier: .core)
        func resolve(_ day: String, roster: Tier?) -> ResolvedTier {
            TierRule.resolve(day: CivilDay(day)!, hired: hired, rosterTier: roster, review: review, assessment: sales, rules: rules)
        }
        #expect(resolve("2026-12-01", roster: .general) == ResolvedTier(tier: .general, source: .roster, why: "set in the roster"))
        #expect(resolve("2026-12-01", roster: nil) == ResolvedTier(tier: .core, source: .review, why: "rank set by the pay review from 2026-12"))
        #expect(resolve("2026-11-30", roster: nil).source == .derived && resolve("2026-11-30", roster: nil).tier == .top)
        // A roster tier wins even over the new-hire days.
        #expect(TierRule.resolve(day: CivilDay("2026-11-02")!, hired: CivilDay("2026-11-01")!, rosterTier: .core, review: nil,
                                 assessment: .none, rules: rules).tier == .core)
    }

    @Test func theThresholdsComeFromTheSettings() {
        var rules = rules
        rules.coreMinFYC = 5_000
        let tier = TierRule.resolve(day: november, hired: hired, rosterTier: nil, review: nil,
                                    assessment: MonthSales(policies: 1, fyc: Money(yuan: 3_000)), rules: rules)
        #expect(tier.tier == .general && tier.why == "2026-10: 1 policy kept, FYC 3,000.00 (core needs 1 and 5,000.00)")
    }
}

/// The tier's store edge: reviews, the history, and a database without sales.
@Suite struct TierStoreTests {
    @Test func reviewsAndHistoryAreKeptPerAgentAndMonth() throws {
        let db = try AppDatabase.inMemory(schema: RosterSchema.migrations)
        let rules = Settings.defaults.roster
        try db.transaction { db in
            _ = try RosterImport.apply(db, roster: RosterFile(rows: [
                RosterRow(line: 2, code: "A1", name: "甲", team: "一组", hireDate: "2025-01-01", status: .active),
                RosterRow(line: 3, code: "A2", name: "乙", team: "一组", hireDate: "2025-01-01", tier: .top, status: .active),
                RosterRow(line: 4, code: "A3", name: "丙", team: "一组", hireDate: "2026-12-01", status: .probation),
            ], hasSeatColumn: false), file: "t")
            // Set twice for one month: the second replaces the first.
            try Roster.setReviewRank(db, agent: "A1", month: CivilMonth("2026-12")!, tier: .top, why: "2026-Q4 review", at: "2026-12-01T09:00:00")
            try Roster.setReviewRank(db, agent: "A1", month: CivilMonth("2026-12")!, tier: .core, why: "2026-Q4 review, corrected", at: "2026-12-01T10:00:00")
            #expect(try Roster.recordTiers(db, on: CivilDay("2026-11-20")!, rules: rules, sales: Roster.noSales) == 2)
            try Roster.recordTiers(db, on: CivilDay("2026-12-02")!, rules: rules, sales: Roster.noSales)
            // An older day does not overwrite a later one in the same month.
            try Roster.recordTiers(db, on: CivilDay("2026-12-01")!, rules: rules, sales: Roster.noSales)
        }
        let history = try db.read { db in try Roster.tierHistory(db, agent: "A1") }
        #expect(history.map(\.month.description) == ["2026-11", "2026-12"])
        #expect(history.map(\.tier) == [.general, .core] && history.map(\.source) == [.derived, .review])
        #expect(history[1].asOf == CivilDay("2026-12-02") && history[1].why == "rank set by the pay review from 2026-12")
        let a2 = try db.read { db in try Roster.tierHistory(db, agent: "A2") }
        #expect(a2.map(\.source) == [.roster, .roster])
        // Not hired until December: no November row.
        let a3 = try db.read { db in try Roster.tierHistory(db, agent: "A3") }
        #expect(a3.map(\.month.description) == ["2026-12"] && a3[0].tier == .new)
    }
}
