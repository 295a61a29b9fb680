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
    ]
}
