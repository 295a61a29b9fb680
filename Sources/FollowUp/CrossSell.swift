import CallOpsCore
import Foundation

/// A member of a customer's household.
public struct HouseholdMember: Equatable, Sendable {
    /// `self`, `spouse`, `child` or `parent`.
    public var relation: String
    /// nil when not known (a child counted on the lead file, a spouse of unknown age).
    public var age: Int?
    /// Product lines this member holds in force.
    public var lines: Set<String>

    public init(relation: String, age: Int?, lines: Set<String> = []) {
        self.relation = relation
        self.age = age
        self.lines = lines
    }

    var isAdult: Bool { relation != "child" }
}

/// A customer's household as cross-selling sees it.
public struct Household: Equatable, Sendable {
    public var members: [HouseholdMember]
    /// Annual premium of the household's policies in force.
    public var annualPremium: Money
    /// Annual income, when the lead file gave it.
    public var income: Money?

    public init(members: [HouseholdMember], annualPremium: Money, income: Money?) {
        self.members = members
        self.annualPremium = annualPremium
        self.income = income
    }
}

/// One offer of more cover.
public struct CrossSellSuggestion: Equatable, Sendable, Encodable {
    public var member: String
    public var memberAge: Int?
    public var line: String
    public var product: String
    public var reason: String
    public var rank: Int

    enum CodingKeys: String, CodingKey {
        case member, line, product, reason, rank
        case memberAge = "member_age"
    }
}

/// Cross-sell (延伸服务, seed 002 step 5): extend the cover a customer holds to the family, then
/// climb the adults' ladder (shipped: accident → critical illness → pension) and the children's
/// (shipped: accident → education), within what the household can afford.
public enum CrossSell {
    /// Ranked suggestions for one household.
    public static func suggestions(for household: Household, catalog: [Product], rules: Settings.CrossSellRules) -> [CrossSellSuggestion] {
        var members = household.members
        var budgetUsed = household.annualPremium
        var result: [CrossSellSuggestion] = []
        let held = Set(members.flatMap(\.lines))
        let order = rules.ladder + ProductLine.allNames.filter { !rules.ladder.contains($0) }
        let heldInOrder = order.filter(held.contains)

        func product(_ line: String, for member: HouseholdMember) -> Product? {
            catalog.first { product in
                guard product.line == line else { return false }
                if line == ProductLine.education.rawValue {
                    guard member.relation == "child", (member.age ?? 0) < rules.childMaxAge else { return false }
                }
                // A child of unknown age is taken as a minor; an adult of unknown age as fitting.
                let age = member.age ?? (member.relation == "child" ? 5 : 40)
                return (product.minAge...product.maxAge).contains(age)
            }
        }
        func offer(_ line: String, to index: Int, _ reason: String) {
            guard result.count < rules.maxSuggestions, !members[index].lines.contains(line),
                let product = product(line, for: members[index])
            else { return }
            let premium = Money(yuan: product.typicalPremium)
            if let income = household.income, income.fen > 0,
                Double((budgetUsed + premium).fen) > rules.affordabilityShare * Double(income.fen)
            {
                return
            }
            budgetUsed += premium
            members[index].lines.insert(line)
            result.append(CrossSellSuggestion(
                member: members[index].relation, memberAge: members[index].age, line: line, product: product.code,
                reason: reason, rank: result.count + 1))
        }
        func named(_ member: HouseholdMember) -> String {
            member.relation == "self" ? "the customer" : "the \(member.relation)" + (member.age.map { " (\($0))" } ?? "")
        }
        let adults = members.indices.filter { members[$0].isAdult && members[$0].relation != "self" }
        let children = members.indices.filter { members[$0].relation == "child" }
        let me = members.firstIndex { $0.relation == "self" }

        // 1. The cover the customer holds, for the other earners: the benefit goes to the family.
        for line in heldInOrder {
            for i in adults {
                offer(line, to: i, "extend the household's \(line.replacingOccurrences(of: "_", with: " ")) cover to \(named(members[i])): the benefit goes to the family, so every earner needs it")
            }
        }
        // 2. Up the ladder for the earners: the first lines the household lacks.
        for line in rules.ladder where !held.contains(line) && line != ProductLine.education.rawValue {
            if let me, product(line, for: members[me]) != nil {
                offer(line, to: me, "the household has no \(line.replacingOccurrences(of: "_", with: " ")) cover; next on the ladder for \(named(members[me]))")
            } else if let spouse = adults.first {
                offer(line, to: spouse, "the household has no \(line.replacingOccurrences(of: "_", with: " ")) cover; next on the ladder for \(named(members[spouse]))")
            }
        }
        // 3. The children climb their own ladder (seed 002: the child's accident, then education
        //    cover), then get any other cover the household holds.
        let childLines = rules.childLadder + heldInOrder.filter { !rules.childLadder.contains($0) && $0 != ProductLine.education.rawValue }
        for line in childLines {
            for i in children {
                let words = line.replacingOccurrences(of: "_", with: " ")
                if line == ProductLine.education.rawValue {
                    offer(line, to: i, "an education fund for \(named(members[i])), under \(rules.childMaxAge)")
                } else if held.contains(line) {
                    offer(line, to: i, "extend the household's \(words) cover to \(named(members[i]))")
                } else {
                    offer(line, to: i, "no \(words) cover for \(named(members[i])) yet; next on the children's ladder")
                }
            }
        }
        return result
    }
}
