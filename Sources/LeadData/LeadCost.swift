import CallOpsCore
import CallOpsStore
import Foundation

/// What the leads handed to each agent cost (投入, seed 002): the seat report's lead cost.
public enum LeadCost {
    /// Per agent over [from, to): the leads assigned to the agent in the period (each lead once
    /// per agent), each at its batch's cost per lead.
    public static func allocatedPerAgent(_ db: Database, from: String, to: String) throws -> [Int64: Money] {
        try validateCosts(db)
        var result: [Int64: Money] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT assigned.agent_id, SUM(lead_batch.cost_per_lead_fen)
            FROM (SELECT DISTINCT agent_id, lead_id FROM lead_ledger WHERE event = 'assigned' AND at >= ? AND at < ?) AS assigned
            JOIN lead ON lead.id = assigned.lead_id
            JOIN lead_batch ON lead_batch.id = lead.batch_id
            GROUP BY assigned.agent_id
            """, arguments: [from, to]) {
            result[row[0]] = Money(fen: row[1] ?? 0)
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
