import CallOpsStore

extension FollowUpSchema {
    /// `callops check`: policy days, times and modes that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "policy", column: "sold_at"),
        StoredValue.badTimes(table: "call", column: "started_at"),
        StoredValue.badDays(table: "policy", column: "next_due_on", nullable: true),
        StoredValue.badCases(PremiumMode.self, table: "policy", column: "mode"),
        // Renewals due reads `next_due_on` of policies in force: one without it was left out unseen.
        Invariant("a policy in force has its next premium day", violationsSQL: """
            SELECT 'policy row ' || id || ', column next_due_on: "NULL" is not a day (YYYY-MM-DD): a policy in force has its next premium due'
            FROM policy WHERE status = 'in_force' AND next_due_on IS NULL
            """),
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
        // Every other column the module reads back as a number, a day, a time or a case: one
        // that another tool wrote as text is a named error when read, and listed here.
        StoredValue.badIntegers(table: "policy", column: "lead_id"),
        StoredValue.badIntegers(table: "policy", column: "agent_id"),
        StoredValue.badIntegers(table: "policy", column: "servicing_agent_id", nullable: true),
        StoredValue.badIntegers(table: "policy", column: "commission_fen"),
        StoredValue.badIntegers(table: "policy", column: "insured_age", nullable: true),
        StoredValue.badCases(PolicyStatus.self, table: "policy", column: "status"),
        StoredValue.badCases(Insured.self, table: "policy", column: "insured"),
        StoredValue.badDays(table: "policy", column: "lapsed_on", nullable: true),
        StoredValue.badTimes(table: "policy", column: "stabilized_at", nullable: true),
        StoredValue.badTimes(table: "policy", column: "cancelled_at", nullable: true),
        StoredValue.badIntegers(table: "call", column: "lead_id"),
        StoredValue.badIntegers(table: "call", column: "agent_id"),
        StoredValue.badIntegers(table: "call", column: "contact"),
        StoredValue.badIntegers(table: "call", column: "effective"),
        StoredValue.badIntegers(table: "call", column: "follow_up", nullable: true),
        StoredValue.badCases(Disposition.self, table: "call", column: "disposition"),
        StoredValue.badTimes(table: "call", column: "callback_at", nullable: true),
        StoredValue.badIntegers(table: "family_member", column: "age"),
        StoredValue.badIntegers(table: "renewal_payment", column: "amount_fen"),
        StoredValue.badDays(table: "renewal_payment", column: "paid_on"),
        StoredValue.badDays(table: "renewal_payment", column: "due_on"),
        StoredValue.badDays(table: "policy_delivery", column: "delivered_on", key: "policy_id"),
        StoredValue.badIntegers(table: "customer_ledger", column: "from_agent_id", nullable: true),
        StoredValue.badIntegers(table: "customer_ledger", column: "to_agent_id"),
        StoredValue.badIntegers(table: "customer_touch", column: "lead_id"),
        StoredValue.badCases(TouchKind.self, table: "customer_touch", column: "kind"),
        StoredValue.badDays(table: "customer_touch", column: "on_day"),
        // `lead` is LeadData's table, but its `stage` is the cadence's (`Stage`), read back by the
        // call recorder, the bulk import and the next-call queue: its check lives with the enum.
        StoredValue.badCases(Stage.self, table: "lead", column: "stage"),
    ]
}

// The module's stored statuses read as cases (or the named error) in records and `StoredValue`.
extension PolicyStatus: StoredCase {}
extension PremiumMode: StoredCase {}
extension Insured: StoredCase {}
extension Disposition: StoredCase {}
extension TouchKind: StoredCase {}
extension Stage: StoredCase {}
