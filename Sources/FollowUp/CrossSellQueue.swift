import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// One row of an agent's cross-sell queue.
public struct CrossSellEntry: Encodable, Equatable, Sendable {
    public var leadID: Int64
    public var customer: String?
    public var member: String
    public var memberAge: Int?
    public var line: String
    public var product: String
    public var reason: String
    public var rank: Int

    enum CodingKeys: String, CodingKey {
        case customer, member, line, product, reason, rank
        case leadID = "lead_id"
        case memberAge = "member_age"
    }

    /// Every key, null included (`member_age` is null when unknown).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(leadID, forKey: .leadID)
        try c.encode(customer, forKey: .customer)
        try c.encode(member, forKey: .member)
        try c.encode(memberAge, forKey: .memberAge)
        try c.encode(line, forKey: .line)
        try c.encode(product, forKey: .product)
        try c.encode(reason, forKey: .reason)
        try c.encode(rank, forKey: .rank)
    }
}

/// Households, family members and the cross-sell queue (SPEC section 7).
public struct Households {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// Adds a family member to a customer's household.
    public func addMember(_ db: Database, lead: Int64, relation: Insured, age: Int, gender: Gender?) throws {
        guard relation != .self else { throw CallOpsError.invalidValue(field: "--relation", value: "self", expected: "spouse, child or parent") }
        guard (0...120).contains(age) else { throw CallOpsError.invalidValue(field: "--age", value: String(age), expected: "an age from 0 to 120") }
        guard try LeadProgress.lead(db, id: lead) != nil else {
            throw CallOpsError.notFound(kind: "lead", key: String(lead), hint: "see `callops queue cross-sell --agent A` for customers")
        }
        var member = FamilyMember(leadID: lead, relation: relation, age: age, gender: gender?.rawValue)
        try member.insert(db)
    }

    /// The household of a lead: the customer, the family the lead file and the agent told us of,
    /// and the lines each member holds in force (at `asOf`, a stored time, when given: the
    /// policies sold by then and not yet cancelled or lapsed).
    public func household(_ db: Database, lead: LeadProgress.Snapshot, asOf: String? = nil) throws -> Household {
        var members = [HouseholdMember(relation: "self", age: lead.age)]
        for known in try FamilyMember.of(lead: lead.id).fetchAll(db) {
            members.append(HouseholdMember(relation: known.relation.rawValue, age: known.age))
        }
        // The lead file's marital status and children count stand in for members not yet named.
        if lead.married == true && !members.contains(where: { $0.relation == "spouse" }) {
            members.append(HouseholdMember(relation: "spouse", age: nil))
        }
        let namedChildren = members.filter { $0.relation == "child" }.count
        for _ in namedChildren..<max(namedChildren, lead.children ?? 0) { members.append(HouseholdMember(relation: "child", age: nil)) }
        var premium = Money.zero
        let policies = try Row.fetchAll(db, sql: """
            SELECT id, line, insured, insured_age, premium_fen FROM policy WHERE lead_id = ?1
            AND CASE WHEN ?2 IS NULL THEN status = 'in_force'
                     ELSE sold_at <= ?2 AND (status = 'in_force' OR COALESCE(cancelled_at, lapsed_on) > ?2) END
            """, arguments: [lead.id, asOf])
        for policy in policies {
            premium += try StoredValue.money(policy, "premium_fen", table: "policy")
            let relation = try StoredValue.string(policy, "insured", table: "policy")
            let age = try StoredValue.optional(Int.self, policy, "insured_age", table: "policy")
            let index = members.firstIndex { $0.relation == relation && (age == nil || $0.age == nil || $0.age == age) }
                ?? { members.append(HouseholdMember(relation: relation, age: age)); return members.count - 1 }()
            members[index].lines.insert(try StoredValue.string(policy, "line", table: "policy"))
        }
        return Household(members: members, annualPremium: premium, income: lead.incomeFen.map { Money(fen: $0) })
    }

    /// The customers the agent serves, with policies in force past free-look, each with ranked suggestions.
    public func queue(_ db: Database, agent code: String, limit: Int? = nil) throws -> [CrossSellEntry] {
        let agent = try Roster.agent(db, code: code)
        // The range on `sold_at` drops a malformed one (and the household's premium sums it): the guard first.
        try Sales.verifyAggregatedColumns(db, servicingAgent: agent.id)
        let pastFreeLook = clock.timestamp(clock.adding(days: -settings.sales.freeLookDays, to: clock.startOfDay(clock.now)))
        let leads = try Int64.fetchAll(db, sql: """
            SELECT lead_id FROM policy WHERE servicing_agent_id = ? AND status = 'in_force' AND sold_at <= ?
            GROUP BY lead_id ORDER BY MIN(sold_at), lead_id
            """, arguments: [agent.id, pastFreeLook])
        var entries: [CrossSellEntry] = []
        for id in leads {
            guard let lead = try LeadProgress.lead(db, id: id), !(try DoNotCall.contains(db, phone: lead.phone)) else { continue }
            let offers = CrossSell.suggestions(for: try household(db, lead: lead), catalog: settings.products, rules: settings.crossSell)
            entries += offers.map {
                CrossSellEntry(leadID: id, customer: lead.name, member: $0.member, memberAge: $0.memberAge, line: $0.line, product: $0.product,
                               reason: $0.reason, rank: $0.rank)
            }
            if let limit, Set(entries.map(\.leadID)).count >= limit { break }
        }
        return entries
    }
}

extension CrossSellEntry: TabularRow {
    public static var blank: CrossSellEntry { CrossSellEntry(leadID: 0, customer: "", member: "", memberAge: 0, line: "", product: "", reason: "", rank: 0) }
}
