import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import Roster

/// An agent ready to leave probation (转正).
public struct RegularizationCandidate: Encodable, Equatable, Sendable {
    public var agentCode: String
    public var name: String
    public var team: String
    public var hireDate: String
    public var daysEmployed: Int
    public var salesLast30Days: Int

    enum CodingKeys: String, CodingKey {
        case name, team
        case agentCode = "agent_code"
        case hireDate = "hire_date"
        case daysEmployed = "days_employed"
        case salesLast30Days = "sales_last_30_days"
    }
}

extension Training {
    /// Probation agents past `probation_days` (90) with a regularisation course passed and a sale
    /// in the last `regularization_sales_days` (30) (SPEC section 9).
    public static func regularizationList(_ db: Database, clock: Clock, rules: Settings.RosterRules = .init()) throws -> [RegularizationCandidate] {
        let passed = try passedAgents(db, kind: .regularization)
        let sales = try ActivityFigures.salesPerAgent(db, from: clock.timestamp(clock.adding(days: -rules.regularizationSalesDays, to: clock.now)), to: clock.nowTimestamp)
        return try Roster.agents(db).compactMap { agent in
            let days = agent.daysEmployed(clock: clock)
            let sold = sales[agent.id]?.sales ?? 0
            guard agent.status == .probation, days > rules.probationDays, passed.contains(agent.id), sold > 0 else { return nil }
            return RegularizationCandidate(agentCode: agent.code, name: agent.name, team: agent.team, hireDate: agent.hireDate,
                                           daysEmployed: days, salesLast30Days: sold)
        }
    }
}

extension RegularizationCandidate: TabularRow {
    public static var blank: RegularizationCandidate { RegularizationCandidate(agentCode: "", name: "", team: "", hireDate: "", daysEmployed: 0, salesLast30Days: 0) }
}
