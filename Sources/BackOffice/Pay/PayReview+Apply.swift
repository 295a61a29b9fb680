import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// One rank change a review applied (`pay review --apply`).
public struct AppliedRank: Encodable, Equatable, Sendable {
    public var agentCode: String
    public var from: Tier
    public var to: Tier
    /// The first month of the new rank, YYYY-MM.
    public var month: String
    /// False when the rank was already recorded by an earlier `--apply`.
    public var changed: Bool

    enum CodingKeys: String, CodingKey {
        case agentCode = "agent_code", from, to, month, changed
    }
}

extension PayRun {
    /// Applies the quarter's review (SPEC section 9): each promotion or demotion becomes the
    /// agent's rank from the month after the quarter, through `Roster.setReviewRank`, once the
    /// quarter's last pay month is finalised. Applying twice changes nothing the second time; a
    /// run that changes a rank is recorded in the audit log.
    public func applyReview(_ db: Database, quarter first: CivilDay) throws -> [AppliedRank] {
        let last = first.adding(months: 2).monthText
        let label = "\(first.monthText.prefix(4))-Q\((first.month + 2) / 3)"
        let status = try PayRunRecord.fetchOne(db, key: first.adding(months: 2).civilMonth)?.status
        guard status == .final else {
            throw CallOpsError.refused("the review of \(label) is applied after its last pay month is finalised; run `callops pay run --month \(last) --finalize` first; nothing was changed")
        }
        let month = first.adding(months: 3).civilMonth
        var applied: [AppliedRank] = []
        for row in try review(db, quarter: first) {
            let to: Tier?
            switch row.verdict {
            case .promote: to = Tier.allCases.first { $0 > row.tier }
            // A demotion stops at general: `new` is tenure, not a rank (SPEC section 4).
            case .demote: to = Tier.allCases.last { $0 < row.tier && $0 >= .general }
            case .keep, .warn: to = nil
            }
            guard let to else { continue }
            let agent = try Roster.agent(db, code: row.agentCode)
            let why = "\(row.verdict.rawValue) at the \(label) review: quarter FYC \(row.quarterFYC)"
            let changed = try Roster.setReviewRank(db, agent: agent.id, from: month, tier: to, why: why, clock: clock)
            applied.append(AppliedRank(agentCode: row.agentCode, from: row.tier, to: to, month: month.description, changed: changed))
        }
        let changes = applied.filter(\.changed).count
        if changes > 0 {
            try AuditLog.record(db, command: "pay review --quarter \(label) --apply (\(changes) rank changes from \(month))",
                                numbers: 0, clock: clock)
        }
        return applied
    }
}
