import CallOpsStore

extension FollowUpSchema {
    /// `callops check`: policy days, times and modes that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "policy", column: "sold_at"),
        StoredValue.badDays(table: "policy", column: "next_due_on", nullable: true),
        StoredValue.badCases(PremiumMode.self, table: "policy", column: "mode"),
    ]
}
