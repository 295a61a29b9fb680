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
        // A pay line or a campaign tier past 100,000,000 yuan (audit 5: a reward of 1e300 made a
        // line of Int64.max fen and every SUM over pay_line overflowed).
        StoredValue.outOfRange(table: "pay_line", column: "amount_fen", range: -StoredValue.maximumFen...StoredValue.maximumFen),
        Invariant("campaign tiers are within 0 to 100,000,000", violationsSQL: """
            SELECT 'campaign row ' || campaign.id || ', column tiers: "' || json_each.value || '" is not a threshold above 0 and a reward from 0, up to 100,000,000'
            FROM campaign, json_each(CASE WHEN json_valid(campaign.tiers) THEN campaign.tiers ELSE '[null]' END)
            WHERE json_type(json_each.value, '$.threshold') NOT IN ('integer', 'real') OR json_type(json_each.value, '$.reward') NOT IN ('integer', 'real')
               OR json_extract(json_each.value, '$.threshold') NOT BETWEEN 0.000001 AND 100000000
               OR json_extract(json_each.value, '$.reward') NOT BETWEEN 0 AND 100000000
            """),
    ]
}
