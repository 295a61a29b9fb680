import CallOpsCore
import CallOpsStore

/// What other modules read of customers' lead rows: names for lists, and the referrals
/// customers gave (seed 003: 转介绍, "4 referrals a month").
public enum CustomerLeads {
    /// The names of these leads (nil where none was given), read in chunks of ids.
    public static func names(_ db: Database, ids: [Int64]) throws -> [Int64: String?] {
        var names: [Int64: String?] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM lead WHERE id IN (\(marks))", arguments: StatementArguments(chunk)) {
                names[row["id"]] = .some(row["name"])
            }
        }
        return names
    }

    /// Each referral a customer gave: the referring customer and the time its lead first came
    /// in (its first assignment), oldest first.
    public static func referralsGiven(_ db: Database) throws -> [(customer: Int64, at: String)] {
        try Row.fetchAll(db, sql: """
            SELECT lead.referred_by, MIN(lead_ledger.at) AS at, lead.id
            FROM lead JOIN lead_ledger ON lead_ledger.lead_id = lead.id AND lead_ledger.event = 'assigned'
            WHERE lead.referred_by IS NOT NULL GROUP BY lead.id ORDER BY at, lead.id
            """).map { (customer: try StoredValue.int64($0, "referred_by", table: "lead"), at: $0["at"]) }
    }

    /// Referral leads (class `referral`) each agent received between two times (inclusive): by
    /// the agent of each lead's first assignment, when it fell in the period.
    public static func referralsReceived(_ db: Database, from: String, through: String) throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT first.agent_id, COUNT(*) AS n FROM (
                SELECT lead_ledger.agent_id, MIN(lead_ledger.at) AS at FROM lead JOIN lead_ledger ON lead_ledger.lead_id = lead.id
                WHERE lead.class = 'referral' AND lead_ledger.event = 'assigned' GROUP BY lead.id
            ) AS first WHERE first.at >= ? AND first.at <= ? AND first.agent_id IS NOT NULL GROUP BY first.agent_id
            """, arguments: [from, through]) {
            counts[try StoredValue.int64(row, "agent_id", table: "lead_ledger")] = row["n"]
        }
        return counts
    }
}
