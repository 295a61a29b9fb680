import CallOpsCore
import Foundation
import Testing

@testable import FollowUp

@Suite struct CrossSellTests {
    /// Seed 002's example: a 30-year-old, family of three, who bought accident cover for himself only.
    let seedFamily = Household(members: [
        HouseholdMember(relation: "self", age: 30, lines: ["accident"]),
        HouseholdMember(relation: "spouse", age: 29),
        HouseholdMember(relation: "child", age: 4),
    ], annualPremium: Money(yuan: 300), income: nil)

    @Test func seed002FamilyExample() {
        // The seed's own ladder: spouse's accident first, then critical illness, then a pension,
        // then the child's accident and education cover.
        var rules = Settings.defaults.crossSell
        rules.ladder = ["accident", "critical_illness", "pension", "education"]
        rules.maxSuggestions = 5
        let all = CrossSell.suggestions(for: seedFamily, catalog: Settings.defaults.products, rules: rules)
        #expect(all.map { "\($0.member) \($0.line)" } == [
            "spouse accident", "self critical_illness", "self pension", "child accident", "child education",
        ])
        #expect(all[0].reason.contains("every earner needs it") && all.map(\.rank) == [1, 2, 3, 4, 5])
        // The shipped ladder (with medical) and the cap of 3.
        let shipped = CrossSell.suggestions(for: seedFamily, catalog: Settings.defaults.products, rules: Settings.defaults.crossSell)
        #expect(shipped.map { "\($0.member) \($0.line) \($0.product)" } == [
            "spouse accident ACC01", "self critical_illness CI01", "self medical MED01",
        ])
    }

    @Test func affordabilitySkipsWhatTheHouseholdCannotCarry() {
        var family = seedFamily
        // 10% of 60,000 = 6,000 a year: 300 held + 300 accident + 5,000 CI = 5,600 fits; medical (600) would not.
        family.income = Money(yuan: 60_000)
        let fits = CrossSell.suggestions(for: family, catalog: Settings.defaults.products, rules: Settings.defaults.crossSell)
        #expect(fits.map(\.line) == ["accident", "critical_illness", "accident"])
        family.income = Money(yuan: 5_000)
        #expect(CrossSell.suggestions(for: family, catalog: Settings.defaults.products, rules: Settings.defaults.crossSell).isEmpty)
    }

    @Test func ageLimitsAndEducationOnlyForMinors() {
        let older = Household(members: [
            HouseholdMember(relation: "self", age: 58, lines: ["accident"]),
            HouseholdMember(relation: "child", age: 19),
        ], annualPremium: .zero, income: nil)
        let offers = CrossSell.suggestions(for: older, catalog: Settings.defaults.products, rules: Settings.defaults.crossSell)
        // CI01 insures to 55: skipped for a 58-year-old; medical fits (to 60); no education for a 19-year-old.
        #expect(offers.map { "\($0.member) \($0.line)" } == ["self medical", "self pension", "child accident"])
        #expect(!offers.contains { $0.line == "education" })
    }
}
