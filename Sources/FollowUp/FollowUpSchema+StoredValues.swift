import CallOpsStore

extension FollowUpSchema {
    /// `callops check`: policy days, times and modes that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "policy", column: "sold_at"),
        StoredValue.badTimes(table: "call", column: "started_at"),
        StoredValue.badDays(table: "policy", column: "next_due_on", nullable: true),
        StoredValue.badCases(PremiumMode.self, table: "policy", column: "mode"),
        // Numbers every entry point range-checks (SPEC section 12); one written past them by an
        // outside tool would make a report's sums overflow, so check names it.
        Invariant("a call's talk seconds are within 0 to 86400", violationsSQL: """
            SELECT 'call row ' || id || ' (call_id ' || call_id || '): call.talk_seconds is ' || talk_seconds
            FROM call WHERE talk_seconds NOT BETWEEN 0 AND 86400 OR typeof(talk_seconds) <> 'integer'
            """),
        Invariant("a policy's premium is within 0 to 100,000,000 yuan", violationsSQL: """
            SELECT 'policy row ' || id || ': policy.premium_fen is ' || premium_fen
            FROM policy WHERE premium_fen NOT BETWEEN 0 AND 10000000000 OR typeof(premium_fen) <> 'integer'
            """),
        StoredValue.outOfRange(table: "policy", column: "renewals_paid", range: StoredValue.countRange),
    ]
}
