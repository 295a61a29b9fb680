import CallOpsCore
import CallOpsStore
import GRDB

extension Roster {
    /// Whether an agent was on the roster on `day`: hired on or before it and not yet away
    /// (`left_on` after it, or none). An agent marked `left` without a leaving day (an older
    /// roster) is taken as away on every day, since the day it left is not known: pure.
    public static func isEmployed(hired: CivilDay, status: AgentStatus, leftOn: CivilDay?, on day: CivilDay) -> Bool {
        guard hired <= day else { return false }
        if let leftOn { return leftOn > day }
        return status != .left
    }

    /// The agents (of `team`) on the roster on `day`, whatever their status today: who a campaign
    /// ending that day ranks, so a departure or a hire after it never changes its standings.
    public static func agents(_ db: Database, team: String? = nil, employedOn day: CivilDay) throws -> [Agent] {
        let tenures = try tenures(db)
        return try agents(db, team: team).filter { agent in
            let hired = try StoredValue.day(agent.hireDate, table: "agent", column: "hire_date", id: agent.id)
            return isEmployed(hired: hired, status: agent.status, leftOn: tenures[agent.id]?.leftOn, on: day)
        }
    }
}

extension Roster {
    /// Why an agent who has left cannot have worked on a day.
    public enum Absence: Equatable, Sendable {
        /// Away from this day on (`left_on`, the first day away).
        case since(CivilDay)
        /// Marked `left` without a leaving day (an older roster): away on every day, as
        /// `isEmployed` takes it.
        case undated
    }

    /// Whether `agent` was already away on `day`, and since when; nil while still employed then.
    /// An agent who has not left costs nothing: the day is not even made (a calls import asks for
    /// every call).
    public static func absence(_ db: Database, agent: Agent, on day: @autoclosure () -> CivilDay) throws -> Absence? {
        guard agent.status == .left else { return nil }
        let day = day()
        guard let leftOn = try leftOn(db, agent: agent) else { return .undated }
        return day >= leftOn ? .since(leftOn) : nil
    }

    /// An agent's first day away (`left_on`), nil when none is recorded.
    public static func leftOn(_ db: Database, agent: Agent) throws -> CivilDay? {
        let text = try String.fetchOne(db.cachedStatement(sql: "SELECT left_on FROM agent WHERE id = ?"), arguments: [agent.id])
        return try text.map { try StoredValue.day($0, table: "agent", column: "left_on", id: agent.id) }
    }
}
