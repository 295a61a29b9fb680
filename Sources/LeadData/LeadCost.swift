import CallOpsCore
import CallOpsStore
import Foundation

/// What the leads handed to each agent cost (投入, seed 002): the seat report's lead cost.
public enum LeadCost {
    /// Per agent over [from, to): each lead counts once, at its batch's cost per lead, to the
    /// agent of its first assignment ever, when that falls in the period; a lead recycled and
    /// allocated again costs nothing more (it was bought once).
    public static func allocatedPerAgent(_ db: Database, from: String, to: String) throws -> [Int64: Money] {
        try validateCosts(db)
        var result: [Int64: Money] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT assigned.agent_id, SUM(lead_batch.cost_per_lead_fen), MIN(assigned.id) AS id
            FROM lead_ledger AS assigned
            JOIN lead ON lead.id = assigned.lead_id
            JOIN lead_batch ON lead_batch.id = lead.batch_id
            WHERE assigned.event = 'assigned' AND assigned.at >= ? AND assigned.at < ?
              AND NOT EXISTS (SELECT 1 FROM lead_ledger AS earlier
                              WHERE earlier.lead_id = assigned.lead_id AND earlier.event = 'assigned'
                                AND (earlier.at < assigned.at OR (earlier.at = assigned.at AND earlier.id < assigned.id)))
            GROUP BY assigned.agent_id
            """, arguments: [from, to]) {
            result[try StoredValue.int64(row, "agent_id", table: "lead_ledger")] = Money(fen: row[1] ?? 0)
        }
        return result
    }

    /// Throws the error naming the first batch whose cost per lead is outside 0 to 100,000,000
    /// yuan (written by another tool): the sums over it would overflow or saturate.
    public static func validateCosts(_ db: Database) throws {
        if let row = try Row.fetchOne(db, sql: """
            SELECT id, cost_per_lead_fen FROM lead_batch
            WHERE typeof(cost_per_lead_fen) <> 'integer' OR cost_per_lead_fen NOT BETWEEN 0 AND ? LIMIT 1
            """, arguments: [StoredValue.maximumFen]) {
            _ = try StoredValue.money(row, "cost_per_lead_fen", table: "lead_batch")
        }
    }
}
