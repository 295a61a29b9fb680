import CallOpsStore

extension LeadDataSchema {
    /// `callops check`: lead values that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badCases(LeadGrade.self, table: "lead", column: "grade"),
        StoredValue.badCases(LeadStatus.self, table: "lead", column: "status"),
        // Numbers every entry point range-checks: one written past them by another tool would
        // trap the queue's arithmetic or overflow a report's SUM, so check names it.
        StoredValue.outOfRange(table: "lead", column: "follow_ups", range: StoredValue.countRange),
        StoredValue.outOfRange(table: "lead", column: "income_fen", range: StoredValue.fenRange, nullable: true),
        StoredValue.outOfRange(table: "lead", column: "premium_fen", range: StoredValue.fenRange, nullable: true),
        StoredValue.outOfRange(table: "lead_batch", column: "cost_per_lead_fen", range: StoredValue.fenRange),
        // Every integer column a command reads back (LeadProgress, the allocation, `leads why`,
        // `leads stats`, the recycling, the scoring).
        StoredValue.badIntegers(table: "lead", column: "batch_id"),
        StoredValue.badIntegers(table: "lead", column: "score"),
        StoredValue.badIntegers(table: "lead", column: "agent_id", nullable: true),
        // The schema's CHECK says so, but an outside tool can write past it; the allocation then stops on it.
        Invariant("an open lead has an agent", violationsSQL: """
            SELECT 'lead row ' || id || ', column agent_id: "NULL" is not an agent, and the lead is open' FROM lead WHERE status = 'open' AND agent_id IS NULL
            """),
        StoredValue.badIntegers(table: "lead", column: "locked_agent_id", nullable: true),
        StoredValue.badIntegers(table: "lead", column: "referred_by", nullable: true),
        StoredValue.badIntegers(table: "lead", column: "propensity_model_id", nullable: true),
        StoredValue.outOfRange(table: "lead", column: "age", range: 0...150, nullable: true),
        // The queue and `leads why` compare these times as text in SQL: a malformed one
        // silently moves a lead out of the queue, so check names it.
        StoredValue.badTimes(table: "lead", column: "next_due_at", nullable: true),
        StoredValue.badTimes(table: "lead", column: "callback_at", nullable: true),
        StoredValue.badTimes(table: "lead", column: "last_attempt_at", nullable: true),
        StoredValue.badTimes(table: "lead", column: "assigned_at", nullable: true),
        StoredValue.badTimes(table: "lead", column: "effective_at", nullable: true),
        StoredValue.badTimes(table: "lead", column: "interested_at", nullable: true),
        StoredValue.badTimes(table: "lead", column: "closed_at", nullable: true),
        StoredValue.badTimes(table: "dnc", column: "added_at", key: "phone"),
        StoredValue.badValues(["warm", "referral", "cold"], table: "lead", column: "class"),
        StoredValue.badIntegers(table: "lead", column: "children", nullable: true),
        StoredValue.badIntegers(table: "lead", column: "married", nullable: true),
        StoredValue.outOfRange(table: "lead", column: "attempts", range: StoredValue.countRange),
        StoredValue.outOfRange(table: "lead", column: "unanswered", range: StoredValue.countRange),
        StoredValue.outOfRange(table: "lead", column: "recycle_count", range: StoredValue.countRange),
        badNumbers(table: "lead", column: "propensity"),
        StoredValue.badIntegers(table: "lead_ledger", column: "agent_id", nullable: true),
        StoredValue.badIntegers(table: "allocation_grant", column: "agent_id"),
        badJSON(table: "allocation_grant", column: "lead_ids", expected: "a JSON array of lead ids"),
        badJSON(table: "lead_model", column: "model", expected: "a scoring model (JSON)"),
        badJSON(table: "lead_model", column: "card", expected: "a model card (JSON)"),
        badNumbers(table: "lead_model", column: "auc"),
        StoredValue.badTimes(table: "lead_model", column: "trained_at"),
        StoredValue.outOfRange(table: "lead_model", column: "leads", range: StoredValue.countRange),
        StoredValue.outOfRange(table: "lead_model", column: "sales", range: StoredValue.countRange),
        badNumbers(table: "lead_model", column: "grade_auc"),
    ] + ["rows", "accepted", "missing_phone", "invalid_phone", "duplicate_in_file", "duplicate_existing", "dnc", "out_of_age_range", "malformed_row"].map {
        StoredValue.outOfRange(table: "lead_batch", column: $0, range: StoredValue.countRange)
    }

    /// `callops check` lines for a text column that must hold valid JSON (json_each and the
    /// scoring decode it; SQLite's own error would name no row).
    static func badJSON(table: String, column: String, expected: String) -> Invariant {
        Invariant("\(table).\(column) holds valid JSON", violationsSQL: """
            SELECT '\(table) row ' || id || ', column \(column): "' || substr(COALESCE(\(column), 'NULL'), 1, 40) || '" is not \(expected)'
            FROM \(table)
            WHERE \(column) IS NULL OR NOT json_valid(\(column))
            """)
    }

    /// `callops check` lines for a nullable REAL column holding text or a blob (a fraction from 0 to 1).
    static func badNumbers(table: String, column: String) -> Invariant {
        Invariant("\(table).\(column) holds numbers from 0 to 1", violationsSQL: """
            SELECT '\(table) row ' || id || ', column \(column): "' || \(column) || '" is not a number from 0 to 1'
            FROM \(table)
            WHERE \(column) IS NOT NULL AND (typeof(\(column)) NOT IN ('real', 'integer') OR \(column) NOT BETWEEN 0 AND 1)
            """)
    }
}
