import CallOpsCore
import CallOpsStore

extension RosterSchema {
    /// `callops check`: roster values that must decode when read back (free-text columns the
    /// schema cannot constrain, or values put past a CHECK by an outside tool).
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "agent", column: "hire_date"),
        StoredValue.outOfRange(table: "agent", column: "daily_new_leads", range: StoredValue.countRange, nullable: true),
        StoredValue.outOfRange(table: "agent", column: "max_open_leads", range: StoredValue.countRange, nullable: true),
        StoredValue.badIntegers(table: "agent", column: "daily_new_leads", nullable: true),
        StoredValue.badIntegers(table: "agent", column: "max_open_leads", nullable: true),
        StoredValue.badCases(AgentStatus.self, table: "agent", column: "status"),
        StoredValue.badCases(AgentRole.self, table: "agent", column: "role"),
        StoredValue.badIntegers(table: "agent", column: "team_id"),
        StoredValue.badIntegers(table: "agent", column: "seat_id", nullable: true),
        StoredValue.badDays(table: "agent", column: "left_on", nullable: true),
        StoredValue.badIntegers(table: "agent_tenure_event", column: "agent_id"),
        StoredValue.badDays(table: "agent_tenure_event", column: "day"),
        StoredValue.badCases(Tier.self, table: "agent", column: "tier", nullable: true),
        StoredValue.badCases(Tier.self, table: "tier_review", column: "tier", key: "agent_id || ' ' || month"),
        StoredValue.badCases(Tier.self, table: "tier_history", column: "tier", key: "agent_id || ' ' || month"),
        StoredValue.badCases(TierSource.self, table: "tier_history", column: "source", key: "agent_id || ' ' || month"),
        // The tier records decode every column: the months, the day and the agent ids too.
        StoredValue.badMonths(table: "tier_review", column: "month", key: "agent_id || ' ' || month"),
        StoredValue.badIntegers(table: "tier_review", column: "agent_id", key: "agent_id || ' ' || month"),
        StoredValue.badMonths(table: "tier_history", column: "month", key: "agent_id || ' ' || month"),
        StoredValue.badDays(table: "tier_history", column: "as_of", key: "agent_id || ' ' || month"),
        StoredValue.badIntegers(table: "tier_history", column: "agent_id", key: "agent_id || ' ' || month"),
        StoredValue.badIntegers(table: "seat", column: "team_id", nullable: true),
    ]
}
