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
        StoredValue.badValues(["draft", "final"], table: "pay_run", column: "status", key: "month"),
        StoredValue.badValues(["pre_job", "bridging", "regularization", "level"], table: "course", column: "kind"),
        StoredValue.badIntegers(table: "pay_line", column: "agent_id"),
        badMonths(table: "pay_line", column: "month"),
        StoredValue.badIntegers(table: "pay_basis", column: "agent_id", key: "month || ' ' || agent_id"),
        StoredValue.outOfRange(table: "pay_basis", column: "employed_days", range: 0...31, key: "month || ' ' || agent_id"),
        StoredValue.outOfRange(table: "pay_basis", column: "month_days", range: 28...31, key: "month || ' ' || agent_id"),
        StoredValue.badDays(table: "campaign", column: "from_day"),
        StoredValue.badIntegers(table: "campaign", column: "team_id", nullable: true),
        StoredValue.badIntegers(table: "activity_target", column: "agent_id", key: "agent_id || ' ' || month"),
        badMonths(table: "activity_target", column: "month", key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_premium_fen", range: StoredValue.fenRange, key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_sales", range: StoredValue.countRange, key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_effective_calls", range: StoredValue.countRange, key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_proposals", range: StoredValue.countRange, key: "agent_id || ' ' || month", nullable: true),
        StoredValue.outOfRange(table: "activity_target", column: "daily_effective_calls", range: StoredValue.countRange, key: "agent_id || ' ' || month", nullable: true),
        StoredValue.badIntegers(table: "candidate", column: "agent_id", nullable: true),
        StoredValue.badDays(table: "candidate", column: "dropped_on", nullable: true),
        StoredValue.badCases(RecruitStage.self, table: "candidate_stage", column: "stage", key: "candidate_id || ' ' || stage"),
        StoredValue.badDays(table: "candidate_stage", column: "entered_on", key: "candidate_id || ' ' || stage"),
        // A pay line or a campaign tier past 100,000,000 yuan (audit 5: a reward of 1e300 made a
        // line of Int64.max fen and every SUM over pay_line overflowed).
        StoredValue.outOfRange(table: "pay_line", column: "amount_fen", range: -StoredValue.maximumFen...StoredValue.maximumFen),
        Invariant("campaign tiers are within 0 to 100,000,000", violationsSQL: """
            SELECT 'campaign row ' || campaign.id || ', column tiers: "' || COALESCE(json_each.value, substr(campaign.tiers, 1, 80)) || '" is not a threshold above 0 and a reward from 0, up to 100,000,000'
            FROM campaign, json_each(CASE WHEN json_valid(campaign.tiers) THEN campaign.tiers ELSE '[null]' END)
            WHERE json_each.value IS NULL OR json_type(json_each.value, '$.threshold') NOT IN ('integer', 'real') OR json_type(json_each.value, '$.reward') NOT IN ('integer', 'real')
               OR json_extract(json_each.value, '$.threshold') NOT BETWEEN 0.000001 AND 100000000
               OR json_extract(json_each.value, '$.reward') NOT BETWEEN 0 AND 100000000
            """),
    ]

    /// `callops check` lines for a text column of months (`YYYY-MM`, month 01 to 12).
    static func badMonths(table: String, column: String, key: String = "id") -> Invariant {
        Invariant("\(table).\(column) holds months", violationsSQL: """
            SELECT '\(table) row ' || \(key) || ', column \(column): "' || COALESCE(\(column), 'NULL') || '" is not a month (YYYY-MM)'
            FROM \(table)
            WHERE \(column) IS NULL OR typeof(\(column)) <> 'text' OR length(\(column)) <> 7
                OR date(\(column) || '-01', '+0 days') IS NOT \(column) || '-01'
            """)
    }
}
