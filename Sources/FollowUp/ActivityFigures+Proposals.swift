import CallOpsCore
import CallOpsStore
import Foundation

/// The seed 001 proposals and the first-year commission behind the seat report's attainment and
/// input-output figures (SPEC section 8).
public struct AgentProposals: Equatable, Sendable {
    /// Distinct leads with a `proposal` call or a sale (not cancelled) in the period.
    public var proposals = 0
    /// First-year commission of the period's sales (not cancelled): each policy's commission as
    /// the sale stored it from its product's rate, the figure pay sums.
    public var fyc = Money.zero
    /// Distinct leads sold (not cancelled) by the agent in the period: a customer who bought
    /// twice (cross-sell) is one lead sold.
    public var leadsSold = 0
    /// Of those, the leads the agent did not call in the period (called in an earlier one, or
    /// sold with no call): a sale is contact with the customer, so they are leads worked too.
    public var leadsSoldWithoutCall = 0

    public init() {}
}

extension ActivityFigures {
    /// The seat report counts a month's proposal calls: the covering index of the calls has no
    /// disposition, so without this one a month of 10,000,000 calls would be read row by row.
    /// A partial index holds the proposals alone (covering: the disposition is in it too), small
    /// and cheap to keep.
    static let proposalsMigration = Migration("followup.proposals") { db in
        try db.execute(sql: "CREATE INDEX call_proposal ON call(started_at, agent_id, lead_id, disposition) WHERE disposition = 'proposal'")
    }

    /// Per agent over [from, to): proposals (distinct leads proposed to or sold), FYC, and the
    /// leads sold (with those sold without a call of the agent's in the period).
    public static func proposalsPerAgent(_ db: Database, from: String, to: String) throws -> [Int64: AgentProposals] {
        var result: [Int64: AgentProposals] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT agent_id, COUNT(DISTINCT lead_id) FROM (
                SELECT agent_id, lead_id FROM call WHERE started_at >= ?1 AND started_at < ?2 AND disposition = 'proposal'
                UNION
                SELECT agent_id, lead_id FROM policy WHERE sold_at >= ?1 AND sold_at < ?2 AND status <> 'cancelled')
            GROUP BY agent_id
            """, arguments: [from, to]) {
            result[try StoredValue.value(Int64.self, row, at: 0, table: "call and policy"), default: AgentProposals()].proposals =
                try StoredValue.value(Int.self, row, at: 1, table: "call and policy")
        }
        // One pass over the period's policies; the call check is one probe of `call_lead_time` per policy.
        for row in try Row.fetchAll(db, sql: """
            SELECT agent_id, SUM(commission_fen), COUNT(DISTINCT lead_id),
                   COUNT(DISTINCT CASE WHEN NOT EXISTS (SELECT 1 FROM call AS c WHERE c.lead_id = p.lead_id AND c.started_at >= ?1
                                                        AND c.started_at < ?2 AND c.agent_id = p.agent_id) THEN lead_id END)
            FROM policy AS p
            WHERE sold_at >= ?1 AND sold_at < ?2 AND status <> 'cancelled' GROUP BY agent_id
            """, arguments: [from, to]) {
            let id = try StoredValue.value(Int64.self, row, at: 0, table: "policy")
            result[id, default: AgentProposals()].fyc = Money(fen: try StoredValue.value(Int64.self, row, at: 1, table: "policy"))
            result[id]!.leadsSold = try StoredValue.value(Int.self, row, at: 2, table: "policy")
            result[id]!.leadsSoldWithoutCall = try StoredValue.value(Int.self, row, at: 3, table: "policy")
        }
        return result
    }
}

extension DayActivity {
    /// A day with nothing counted yet (a working day without calls still shows on the trend).
    public static func empty(_ day: String) -> DayActivity { DayActivity(day: day) }

    /// Contacts / dials; nil without dials.
    public var contactRate: Double? { dials > 0 ? Double(contacts) / Double(dials) : nil }
}

extension ActivityFigures {
    /// Per agent and day over [from, to): calls and sales, one grouped pass over each table, so
    /// the nightly batch's team pages share one read instead of one per team.
    public static func perAgentDay(_ db: Database, from: String, to: String) throws -> [Int64: [String: DayActivity]] {
        try StoredValue.checkTimeEnds(db, table: "call", column: "started_at")
        var result: [Int64: [String: DayActivity]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT agent_id, substr(started_at, 1, 10) AS day, COUNT(*), SUM(contact), SUM(effective)
            FROM call WHERE started_at >= ? AND started_at < ? GROUP BY agent_id, day
            """, arguments: [from, to]) {
            let day = try StoredValue.value(String.self, row, at: 1, table: "call")
            result[try StoredValue.value(Int64.self, row, at: 0, table: "call"), default: [:]][day] = DayActivity(
                day: day, dials: try StoredValue.value(Int.self, row, at: 2, table: "call"),
                contacts: try StoredValue.value(Int.self, row, at: 3, table: "call"), effectiveCalls: try StoredValue.value(Int.self, row, at: 4, table: "call"))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT agent_id, substr(sold_at, 1, 10) AS day, COUNT(*), SUM(premium_fen)
            FROM policy WHERE sold_at >= ? AND sold_at < ? AND status <> 'cancelled' GROUP BY agent_id, day
            """, arguments: [from, to]) {
            let agent = try StoredValue.value(Int64.self, row, at: 0, table: "policy")
            let day = try StoredValue.value(String.self, row, at: 1, table: "policy")
            var d = result[agent]?[day] ?? .empty(day)
            d.sales = try StoredValue.value(Int.self, row, at: 2, table: "policy")
            d.premium = Money(fen: try StoredValue.value(Int64.self, row, at: 3, table: "policy"))
            result[agent, default: [:]][day] = d
        }
        return result
    }
}
