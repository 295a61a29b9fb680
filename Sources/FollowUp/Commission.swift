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

extension Sales {
    /// The guard before a SUM over policy money or a range on `sold_at` (pay, the seat report,
    /// campaign standings): SQL's SUM reads a text or blob amount as 0 and a text comparison
    /// drops a malformed `sold_at`, so the first such row is the named `StoredValueError` instead
    /// of a lower figure. One index-free scan over policy, measured 2026-11-29 on a loaded
    /// 2-core machine: 0.19–0.22 s of CPU for 534,480 policies (about 0.4 µs a row, so ~4 ms for
    /// a center's 10,000); `callops-bench report` writes no policies, its figure is unchanged.
    /// Call rows (talk_seconds, contact, read as 0 by SUM) are not scanned here, a scan of the
    /// call table would cost what the activity aggregate saves: `callops check` lists them.
    /// - Parameters:
    ///   - servicingAgent: only the policies this agent serves (the cross-sell queue, one agent at
    ///     a time: an index range, not a scan per agent).
    public static func verifyAggregatedColumns(_ db: Database, servicingAgent: Int64? = nil) throws {
        // The same one scan also reads status and mode as their enums would: an unknown status
        // counted as a kept sale for the tier and left the policy out of renewals and the
        // cross-sell queue (each reads `status = 'in_force'`), and an in-force policy without a
        // next premium day left renewals due without a word.
        let statuses = PolicyStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let modes = PremiumMode.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, typeof(premium_fen) AS p, typeof(commission_fen) AS c,
                   CAST(premium_fen AS TEXT) AS premium_fen, CAST(commission_fen AS TEXT) AS commission_fen, sold_at,
                   status, mode, next_due_on,
                   status IS NULL OR status NOT IN (\(statuses)) AS bad_status, mode IS NULL OR mode NOT IN (\(modes)) AS bad_mode
            FROM policy
            WHERE \(servicingAgent == nil ? "" : "servicing_agent_id = ? AND ")
               (typeof(premium_fen) <> 'integer' OR typeof(commission_fen) <> 'integer'
               OR typeof(sold_at) <> 'text' OR sold_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]*'
               OR status IS NULL OR status NOT IN (\(statuses)) OR mode IS NULL OR mode NOT IN (\(modes))
               OR (status = 'in_force' AND next_due_on IS NULL))
            LIMIT 1
            """, arguments: StatementArguments(servicingAgent.map { [$0] } ?? [])) else { return }
        let id = try StoredValue.int64(row, "id", table: "policy")
        let (column, expected) = row["p"] as String != "integer" ? ("premium_fen", "an amount in fen (a whole number)")
            : row["c"] as String != "integer" ? ("commission_fen", "an amount in fen (a whole number)")
            : row["bad_status"] as Int64? == 1 ? ("status", "one of " + PolicyStatus.allCases.map(\.rawValue).joined(separator: ", "))
            : row["bad_mode"] as Int64? == 1 ? ("mode", "one of " + PremiumMode.allCases.map(\.rawValue).joined(separator: ", "))
            : (StoredValue.text(row, "status") == PolicyStatus.inForce.rawValue && StoredValue.text(row, "next_due_on") == "NULL")
                ? ("next_due_on", "a day (YYYY-MM-DD): a policy in force has its next premium due")
            : ("sold_at", "a day (YYYY-MM-DD)")
        throw StoredValueError(table: "policy", row: String(id), column: column, value: StoredValue.text(row, column), expected: expected)
    }
}
