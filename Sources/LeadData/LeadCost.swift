import CallOpsCore
import CallOpsStore
import Foundation

/// What the leads handed to each agent cost (投入, seed 002): the seat report's lead cost.
public enum LeadCost {
    /// Per agent over [from, to): the leads assigned to the agent in the period (each lead once
    /// per agent), each at its batch's cost per lead.
    public static func allocatedPerAgent(_ db: Database, from: String, to: String) throws -> [Int64: Money] {
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
}
