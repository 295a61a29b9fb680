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

    /// The shipped `Config/callops.toml`, read as a user's run reads it.
    static func shippedSettings() throws -> Settings {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try Settings.load(path: root.appendingPathComponent("Config/callops.toml").path)
    }

    @Test func seed002FamilyExampleWithTheShippedConfig() throws {
        // The seed's own order with no config edit: spouse's accident first, then critical
        // illness, then a pension, then the child's accident and education cover.
        let shipped = try Self.shippedSettings()
        let all = CrossSell.suggestions(for: seedFamily, catalog: shipped.products, rules: shipped.crossSell)
        #expect(all.map { "\($0.member) \($0.line) \($0.product)" } == [
            "spouse accident ACC01", "self critical_illness CI01", "self pension PEN01", "child accident ACC01", "child education EDU01",
        ])
        #expect(all[0].reason.contains("every earner needs it") && all.map(\.rank) == [1, 2, 3, 4, 5])
        #expect(all[3].reason.contains("extend the household's accident cover to the child (4)"))
        #expect(all[4].reason.contains("education fund for the child (4)"))
    }

    @Test func medicalAndLifeAreRungsACenterMayAdd() {
        var rules = Settings.defaults.crossSell
        rules.ladder = ["accident", "critical_illness", "medical", "pension", "education"]
        rules.maxSuggestions = 3
        let offers = CrossSell.suggestions(for: seedFamily, catalog: Settings.defaults.products, rules: rules)
        #expect(offers.map { "\($0.member) \($0.line)" } == ["spouse accident", "self critical_illness", "self medical"])
        // A children's ladder with medical offers the child medical cover before education.
        rules.childLadder = ["accident", "medical", "education"]
        rules.maxSuggestions = 10
        let child = CrossSell.suggestions(for: seedFamily, catalog: Settings.defaults.products, rules: rules).filter { $0.member == "child" }
        #expect(child.map(\.line) == ["accident", "medical", "education"])
        #expect(child[1].reason.contains("next on the children's ladder"))
    }

    @Test func aLadderRungThatIsNoLineIsRefused() {
        #expect(throws: CallOpsError.self) {
            try Settings.parse(toml: "[cross_sell]\nchild_ladder = [\"accident\", \"dental\"]\n", file: "c.toml")
        }
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
        // CI01 insures to 55: skipped for a 58-year-old; the pension fits (to 60); no education for a 19-year-old.
        #expect(offers.map { "\($0.member) \($0.line)" } == ["self pension", "child accident"])
        #expect(!offers.contains { $0.line == "education" })
    }
}
