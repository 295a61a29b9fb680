import CallOpsCore
import CallOpsStore

extension BackOfficeSchema {
    /// `callops check`: back-office days and kinds that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "candidate", column: "stage_since"),
        StoredValue.badCases(RecruitStage.self, table: "candidate", column: "stage"),
        StoredValue.badDays(table: "campaign", column: "to_day"),
        StoredValue.badCases(CampaignMetric.self, table: "campaign", column: "metric"),
        StoredValue.badCases(Tier.self, table: "pay_basis", column: "tier", key: "month || ' ' || agent_id"),
        StoredValue.badCases(PayLineKind.self, table: "pay_line", column: "kind"),
    ]
}
