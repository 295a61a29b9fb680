import CallOpsCore
import CallOpsStore
import GRDB

extension Roster {
    /// Records the rank a pay review set for an agent from `month` on (`tier_review`, which the
    /// tier rule reads). Returns false when that rank already stood for that month, so applying a
    /// review twice changes nothing the second time.
    @discardableResult
    public static func setReviewRank(_ db: Database, agent: Int64, from month: CivilMonth, tier: Tier, why: String, clock: Clock) throws -> Bool {
        let key: [String: any DatabaseValueConvertible] = ["agent_id": agent, "month": month]
        if let existing = try TierReviewRecord.fetchOne(db, key: key), existing.tier == tier { return false }
        try TierReviewRecord(agentID: agent, month: month, tier: tier, why: why, appliedAt: clock.nowTimestamp).save(db)
        return true
    }
}
