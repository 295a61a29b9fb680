import CallOpsStore

extension LeadDataSchema {
    /// `callops check`: lead values that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badCases(LeadGrade.self, table: "lead", column: "grade"),
        StoredValue.badCases(LeadStatus.self, table: "lead", column: "status"),
    ]
}
