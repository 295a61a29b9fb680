import CallOpsStore

extension RosterSchema {
    /// `callops check`: roster values that must decode when read back (free-text columns the
    /// schema cannot constrain, written outside callops or by an older version).
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "agent", column: "hire_date"),
        StoredValue.badCases(TierSource.self, table: "tier_history", column: "source", key: "agent_id || ' ' || month"),
    ]
}
