import CallOpsCore
import CallOpsStore
import Foundation
import GRDB
import Roster

extension PayRun {
    /// For each agent, the month's net FYC (commission less clawbacks) of the rest of their team:
    /// what a team lead's override is a share of.
    /// - Returns: a function of the lead's id.
    static func teamFYC(_ agents: [(id: Int64, team: String)], sold: [Int64: Int64], clawed: [Int64: Int64]) -> (Int64) -> Money {
        var byTeam: [String: Int64] = [:]
        var teamOf: [Int64: String] = [:]
        for agent in agents {
            teamOf[agent.id] = agent.team
            byTeam[agent.team, default: 0] += (sold[agent.id] ?? 0) - (clawed[agent.id] ?? 0)
        }
        return { id in
            guard let team = teamOf[id] else { return .zero }
            return Money(fen: max(0, byTeam[team, default: 0] - ((sold[id] ?? 0) - (clawed[id] ?? 0))))
        }
    }
}

extension PayRun {
    /// Campaign rewards (激励方案), paid in the month the campaign ends: one `campaign` line per
    /// campaign an agent reached a reward tier of, by agent id.
    func campaignLines(_ db: Database, month first: CivilDay, agents: [Agent]) throws -> [Int64: [PayLine]] {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'campaign'") == true else { return [:] }
        let ids = Dictionary(uniqueKeysWithValues: agents.map { ($0.code, $0.id) })
        var lines: [Int64: [PayLine]] = [:]
        let ending = CampaignRecord.filter(CampaignRecord.Columns.toDay >= first.description && CampaignRecord.Columns.toDay < first.adding(months: 1).description)
            .order(CampaignRecord.Columns.toDay, CampaignRecord.Columns.code)
        for record in try ending.fetchAll(db) {
            let end = try StoredValue.day(record.toDay, table: CampaignRecord.databaseTableName, column: "to_day", id: record.id ?? 0)
            let campaign = try Campaigns.standings(db, code: record.code, today: end)
            for standing in campaign.standings where standing.reward > 0 {
                guard let id = ids[standing.agentCode] else { continue }
                lines[id, default: []].append(PayLine(
                    kind: .campaign, amount: Money(yuan: standing.reward),
                    detail: "campaign \(campaign.code) \(campaign.name) (\(campaign.from) to \(campaign.to)): tier \(standing.tier ?? 0), rank \(standing.rank)"))
            }
        }
        return lines
    }
}
