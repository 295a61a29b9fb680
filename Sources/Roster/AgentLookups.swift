import CallOpsCore
import CallOpsStore
import GRDB

/// Who an agent is, for lists that show it beside another module's rows (policies, renewals).
public struct AgentLabel: Equatable, Sendable {
    public var code: String
    public var team: String
}

/// An agent's team and standing, for the modules that move work between teammates.
public struct AgentStanding: Equatable, Sendable {
    public var teamID: Int64
    public var status: AgentStatus
}

// The roster's answers to other modules' questions about agents by row id: they hold agent ids
// in their own tables and ask here for codes, teams and standing instead of joining `agent`.
extension Roster {
    /// The code and team of each of these agents (ids not on the roster are left out).
    public static func labels(_ db: Database, ids: some Sequence<Int64>) throws -> [Int64: AgentLabel] {
        let ids = Array(Set(ids))
        guard !ids.isEmpty else { return [:] }
        let teams = Dictionary(uniqueKeysWithValues: try TeamRecord.fetchAll(db).map { ($0.id!, $0.name) })
        var labels: [Int64: AgentLabel] = [:]
        for agent in try records(db, ids: ids) {
            labels[agent.id!] = AgentLabel(code: agent.code, team: teams[agent.teamID] ?? "")
        }
        return labels
    }

    /// The code of each of these agents (ids not on the roster are left out).
    public static func codes(_ db: Database, ids: some Sequence<Int64>) throws -> [Int64: String] {
        try labels(db, ids: ids).mapValues(\.code)
    }

    /// The row ids of the agents who have left.
    public static func leftAgentIDs(_ db: Database) throws -> [Int64] {
        try AgentRecord.all().left().select(AgentRecord.Columns.id, as: Int64.self).fetchAll(db)
    }

    /// The team and status of each of these agents.
    public static func standings(_ db: Database, ids: some Sequence<Int64>) throws -> [Int64: AgentStanding] {
        let ids = Array(Set(ids))
        guard !ids.isEmpty else { return [:] }
        var standings: [Int64: AgentStanding] = [:]
        for agent in try records(db, ids: ids) {
            standings[agent.id!] = AgentStanding(teamID: agent.teamID, status: agent.status)
        }
        return standings
    }

    /// The agents with these ids: by key, or the whole roster when the ids would pass SQLite's
    /// 32,766 variables (a center of more than 10,000 agents).
    static func records(_ db: Database, ids: [Int64]) throws -> [AgentRecord] {
        guard ids.count > 10_000 else { return try AgentRecord.fetchAll(db, keys: ids) }
        let wanted = Set(ids)
        return try AgentRecord.fetchAll(db).filter { wanted.contains($0.id!) }
    }

    /// The active agents of a team but one, by code: who can take over a teammate's work.
    public static func activeTeammates(_ db: Database, team: Int64, excluding agent: Int64) throws -> [Int64] {
        try AgentRecord.all().active(inTeam: team).filter(AgentRecord.Columns.id != agent)
            .order(AgentRecord.Columns.code).select(AgentRecord.Columns.id, as: Int64.self).fetchAll(db)
    }
}
