import CallOpsCore
import CallOpsStore

extension BackOfficeSchema {
    /// `callops check`: back-office days and kinds that must decode when read back.
    public static let storedValueChecks: [Invariant] = [
        StoredValue.badDays(table: "candidate", column: "stage_since"),
        StoredValue.badCases(RecruitStage.self, table: "candidate", column: "stage"),
        StoredValue.badCases(RecruitChannel.self, table: "candidate", column: "channel"),
        StoredValue.badDays(table: "campaign", column: "to_day"),
        StoredValue.badCases(CampaignMetric.self, table: "campaign", column: "metric"),
        StoredValue.badCases(Tier.self, table: "pay_basis", column: "tier", key: "month || ' ' || agent_id"),
        StoredValue.badCases(PayLineKind.self, table: "pay_line", column: "kind"),
        StoredValue.badIntegers(table: "pay_line", column: "agent_id"),
        StoredValue.badMonths(table: "pay_line", column: "month"),
        StoredValue.badMonths(table: "pay_line", column: "for_month", nullable: true),
        StoredValue.badMonths(table: "pay_basis", column: "month", key: "month || ' ' || agent_id"),
        StoredValue.badCases(PayRunStatus.self, table: "pay_run", column: "status", key: "month"),
        StoredValue.badIntegers(table: "pay_run", column: "total_fen", key: "month"),
        StoredValue.badIntegers(table: "pay_basis", column: "agent_id", key: "month || ' ' || agent_id"),
        StoredValue.outOfRange(table: "pay_basis", column: "employed_days", range: 0...31, key: "month || ' ' || agent_id"),
        StoredValue.outOfRange(table: "pay_basis", column: "month_days", range: 28...31, key: "month || ' ' || agent_id"),
        StoredValue.badDays(table: "campaign", column: "from_day"),
        StoredValue.badIntegers(table: "campaign", column: "team_id", nullable: true),
        StoredValue.badIntegers(table: "activity_target", column: "agent_id", key: "agent_id || ' ' || month"),
        StoredValue.badMonths(table: "activity_target", column: "month", key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_premium_fen", range: StoredValue.fenRange, key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_sales", range: StoredValue.countRange, key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_effective_calls", range: StoredValue.countRange, key: "agent_id || ' ' || month"),
        StoredValue.outOfRange(table: "activity_target", column: "monthly_proposals", range: StoredValue.countRange, key: "agent_id || ' ' || month", nullable: true),
        StoredValue.outOfRange(table: "activity_target", column: "daily_effective_calls", range: StoredValue.countRange, key: "agent_id || ' ' || month", nullable: true),
        StoredValue.badIntegers(table: "candidate", column: "agent_id", nullable: true),
        // Retention reads the agent of each signed candidate: one without it was left out unseen.
        Invariant("a signed candidate has an agent", violationsSQL: """
            SELECT 'candidate row ' || id || ', column agent_id: "NULL" is not the signed candidate''s agent id'
            FROM candidate WHERE agent_id IS NULL
              AND (stage = 'signed' OR id IN (SELECT candidate_id FROM candidate_stage WHERE stage = 'signed'))
            """),
        StoredValue.badDays(table: "candidate", column: "dropped_on", nullable: true),
        StoredValue.badCases(RecruitStage.self, table: "candidate_stage", column: "stage", key: "candidate_id || ' ' || stage"),
        StoredValue.badDays(table: "candidate_stage", column: "entered_on", key: "candidate_id || ' ' || stage"),
        // The training gate and regularisation read enrolments back through their records.
        StoredValue.badCases(CourseKind.self, table: "course", column: "kind"),
    ] + ["enrollment": "agent_id", "candidate_enrollment": "candidate_id"].sorted { $0.key < $1.key }.flatMap { table, who in
        let key = "course_id || ' ' || \(who)"
        return [
            StoredValue.badIntegers(table: table, column: "course_id", key: key),
            StoredValue.badIntegers(table: table, column: who, key: key),
            StoredValue.badCases(EnrollmentStatus.self, table: table, column: "status", key: key),
            StoredValue.outOfRange(table: table, column: "score", range: 0...100, key: key, nullable: true),
            StoredValue.badDays(table: table, column: "enrolled_on", key: key),
            StoredValue.badDays(table: table, column: "completed_on", key: key, nullable: true),
        ]
    } + [
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
}

// The back office's stored statuses read as cases (or the named error) in records and `StoredValue`.
extension RecruitStage: StoredCase {}
extension RecruitChannel: StoredCase {}
extension CampaignMetric: StoredCase {}
