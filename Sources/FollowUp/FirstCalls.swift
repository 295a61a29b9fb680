import CallOpsCore
import CallOpsStore

extension ActivityFigures {
    /// When each of these leads was first called (`started_at`), for the leads called at all.
    public static func firstCalls(_ db: Database, leads: [Int64]) throws -> [Int64: String] {
        var first: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT MIN(id) AS id, lead_id, MIN(started_at) AS at FROM call WHERE lead_id IN (SELECT value FROM json_each(?)) GROUP BY lead_id
            """, arguments: [jsonIDList(leads)]) {
            first[try StoredValue.int64(row, "lead_id", table: "call")] = try StoredValue.string(row, "at", table: "call")
        }
        return first
    }
}
