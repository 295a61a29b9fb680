import CallOpsStore

extension BackOfficeSchema {
    /// `callops check`: back-office days that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "candidate", column: "stage_since"),
        StoredValue.badDays(table: "campaign", column: "to_day"),
    ]
}
