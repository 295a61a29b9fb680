import CallOpsCore
import CallOpsStore
import Foundation

/// One lead's calls and sales over a period, for the seat report's `--by class`.
public struct LeadActivity: Equatable, Sendable {
    public var leadID: Int64
    public var dials = 0
    public var contacts = 0
    /// Policies sold on the lead in the period (cancelled ones do not count).
    public var sales = 0
    public var premium = Money.zero

    public init(leadID: Int64) { self.leadID = leadID }
}

extension ActivityFigures {
    /// Per lead over [from, to): the calls made to it and the policies sold on it (cancelled ones
    /// do not count), by `agents` only when given. A lead is listed when it was called or sold
    /// in the period: a sale recorded with no call is a lead worked too.
    public static func perLead(_ db: Database, from: String, to: String, agents: [Int64]? = nil) throws -> [LeadActivity] {
        // A call whose time is damaged would fall outside every period unseen (SPEC section 12).
        try StoredValue.checkTimeEnds(db, table: "call", column: "started_at")
        let only = agents.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }
        return try Row.fetchAll(db, sql: """
            SELECT lead_id, SUM(dials), SUM(contacts), SUM(sales), SUM(premium_fen) FROM (
                SELECT lead_id, COUNT(*) AS dials, SUM(contact) AS contacts, 0 AS sales, 0 AS premium_fen FROM call
                WHERE started_at >= ?1 AND started_at < ?2 AND (?3 IS NULL OR agent_id IN (SELECT value FROM json_each(?3)))
                GROUP BY lead_id
                UNION ALL
                SELECT lead_id, 0, 0, COUNT(*), SUM(premium_fen) FROM policy
                WHERE sold_at >= ?1 AND sold_at < ?2 AND status <> 'cancelled' AND (?3 IS NULL OR agent_id IN (SELECT value FROM json_each(?3)))
                GROUP BY lead_id)
            GROUP BY lead_id ORDER BY lead_id
            """, arguments: [from, to, only]).map { row in
            func sum(_ index: Int) throws -> Int64 { try StoredValue.optional(Int64.self, row, at: index, table: "call and policy") ?? 0 }
            var lead = LeadActivity(leadID: try StoredValue.value(Int64.self, row, at: 0, table: "call and policy"))
            lead.dials = Int(try sum(1))
            lead.contacts = Int(try sum(2))
            lead.sales = Int(try sum(3))
            lead.premium = Money(fen: try sum(4))
            return lead
        }
    }
}
