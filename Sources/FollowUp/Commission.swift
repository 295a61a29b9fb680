import CallOpsCore
import CallOpsStore

/// The first-year commission (FYC) of each selling agent's policies, as pay reads it: sales and
/// commission stay with the seller (`policy.agent_id`), whoever serves the customer now.
extension Sales {
    /// Each seller's FYC of the policies sold in [from, to), and how many of those were not
    /// cancelled before `to` (kept), by agent id. Days are `YYYY-MM-DD`.
    public static func commissionSold(_ db: Database, from: String, to: String) throws -> [Int64: (fyc: Int64, kept: Int)] {
        var sold: [Int64: (fyc: Int64, kept: Int)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT MIN(id) AS id, agent_id, SUM(commission_fen) AS fyc, SUM(NOT (status = 'cancelled' AND cancelled_at < ?2)) AS kept FROM policy
            WHERE sold_at >= ?1 AND sold_at < ?2 GROUP BY agent_id
            """, arguments: [from, to]) {
            sold[try StoredValue.int64(row, "agent_id", table: "policy")] = (try StoredValue.value(Int64.self, row, "fyc", table: "policy"), try StoredValue.value(Int.self, row, "kept", table: "policy"))
        }
        return sold
    }

    /// Each seller's FYC of the policies cancelled in [from, to) (the month's clawbacks), by agent id.
    public static func commissionCancelled(_ db: Database, from: String, to: String) throws -> [Int64: Int64] {
        var clawed: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT MIN(id) AS id, agent_id, SUM(commission_fen) AS fyc FROM policy WHERE status = 'cancelled' AND cancelled_at >= ? AND cancelled_at < ? GROUP BY agent_id
            """, arguments: [from, to]) {
            clawed[try StoredValue.int64(row, "agent_id", table: "policy")] = try StoredValue.value(Int64.self, row, "fyc", table: "policy")
        }
        return clawed
    }

    /// Each seller's FYC and count of the policies sold in [from, to) and not cancelled, by agent id.
    public static func commissionKept(_ db: Database, from: String, to: String) throws -> [Int64: (fyc: Int64, policies: Int)] {
        var kept: [Int64: (fyc: Int64, policies: Int)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT MIN(id) AS id, agent_id, SUM(commission_fen) AS fyc, COUNT(*) AS policies FROM policy
            WHERE status <> 'cancelled' AND sold_at >= ? AND sold_at < ? GROUP BY agent_id
            """, arguments: [from, to]) {
            kept[try StoredValue.int64(row, "agent_id", table: "policy")] = (try StoredValue.value(Int64.self, row, "fyc", table: "policy"), try StoredValue.value(Int.self, row, "policies", table: "policy"))
        }
        return kept
    }
}
