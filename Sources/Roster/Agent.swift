import CallOpsCore
import CallOpsStore
import Foundation
import GRDB

/// Where an agent stands with the center.
public enum AgentStatus: String, Codable, CaseIterable, Sendable {
    case active, probation, left
}

/// One agent (坐席) as the roster holds it.
public struct Agent: Codable, Equatable, Sendable, FetchableRecord {
    public var id: Int64
    public var code: String
    public var name: String
    public var team: String
    public var hireDate: String
    /// The tier the roster gives, which wins over the derived one; nil when not given.
    public var rosterTier: Tier?
    public var status: AgentStatus
    public var seat: String?
    public var dailyNewLeads: Int?
    public var maxOpenLeads: Int?
    /// The agent's login on the dialer (by default the agent code).
    public var dialerUser: String

    enum CodingKeys: String, CodingKey {
        case id, code, name, team, status, seat
        case hireDate = "hire_date"
        case rosterTier = "tier"
        case dailyNewLeads = "daily_new_leads"
        case maxOpenLeads = "max_open_leads"
        case dialerUser = "dialer_user"
    }

    /// Read from a row of `Roster.agentSelect`: the status and the tier through `StoredValue`, so a
    /// value no callops writes is an error naming table agent, the row and the column, not a
    /// decoding error from Codable.
    public init(row: Row) throws {
        id = try StoredValue.int64(row, "id", table: "agent")
        code = try StoredValue.value(String.self, row, "code", table: "agent", expected: "an agent code")
        name = try StoredValue.value(String.self, row, "name", table: "agent", expected: "a name")
        // A LEFT JOIN: an agent whose team row is missing is this error, never silently left out.
        let teamName: DatabaseValue = row["team"]
        guard !teamName.isNull else {
            throw StoredValueError(table: "agent", row: String(id), column: "team_id", value: StoredValue.text(row, "team_id"),
                                   expected: "the id of a row in table team")
        }
        team = try StoredValue.value(String.self, row, "team", table: "team", expected: "a team name")
        hireDate = row["hire_date"]
        let tier: DatabaseValue = row["tier"]
        rosterTier = tier.isNull ? nil : try StoredValue.enum(Tier.self, row, "tier", table: "agent")
        status = try StoredValue.enum(AgentStatus.self, row, "status", table: "agent")
        seat = row["seat"]
        // Through GRDB text here read as 0, a quota of no leads: now the named error.
        dailyNewLeads = try AgentRecord.optionalCount(row, "daily_new_leads")
        maxOpenLeads = try AgentRecord.optionalCount(row, "max_open_leads")
        dialerUser = try StoredValue.value(String.self, row, "dialer_user", table: "agent", expected: "a dialer login")
    }

    /// Days since the hire date, on the clock's day.
    public func daysEmployed(clock: Clock) -> Int {
        guard let hired = clock.parseDay(hireDate) else { return 0 }
        return clock.daysBetween(hired, clock.now)
    }
}

/// Reads the roster. Other modules reach agents and teams only through these functions.
public enum Roster {
    static let agentSelect = """
        SELECT agent.id, agent.code, agent.name, team.name AS team, agent.team_id, agent.hire_date, agent.tier,
               agent.status, seat.code AS seat, agent.daily_new_leads, agent.max_open_leads,
               COALESCE(agent.dialer_user, agent.code) AS dialer_user
        FROM agent LEFT JOIN team ON team.id = agent.team_id LEFT JOIN seat ON seat.id = agent.seat_id
        """

    /// Every agent, by team then code; only one team's when `team` is given.
    public static func agents(_ db: Database, team: String? = nil) throws -> [Agent] {
        if let team {
            guard try teamID(db, name: team) != nil else {
                throw CallOpsError.notFound(kind: "team", key: team, hint: "see `callops roster list` for the teams")
            }
            return try Agent.fetchAll(db, sql: agentSelect + " WHERE team.name = ? ORDER BY agent.code", arguments: [team])
        }
        return try Agent.fetchAll(db, sql: agentSelect + " ORDER BY team.id, agent.code")
    }

    /// The agents who may take work on `day`: every agent (of `team`) hired on or before it. An
    /// agent imported ahead of the hire date is on the roster but takes no leads yet.
    public static func agents(_ db: Database, team: String? = nil, hiredBy day: CivilDay) throws -> [Agent] {
        try agents(db, team: team).filter { agent in
            try StoredValue.day(agent.hireDate, table: "agent", column: "hire_date", id: agent.id) <= day
        }
    }

    /// The agent with this code, or an error that says how to find the codes.
    public static func agent(_ db: Database, code: String) throws -> Agent {
        guard let agent = try Agent.fetchOne(db.cachedStatement(sql: agentSelect + " WHERE agent.code = ?"), arguments: [code]) else {
            throw CallOpsError.notFound(kind: "agent", key: code, hint: "see `callops roster list` for agent codes")
        }
        return agent
    }

    /// The agent with this row id.
    public static func agent(_ db: Database, id: Int64) throws -> Agent {
        guard let agent = try Agent.fetchOne(db.cachedStatement(sql: agentSelect + " WHERE agent.id = ?"), arguments: [id]) else {
            throw CallOpsError.notFound(kind: "agent", key: "#\(id)", hint: "see `callops roster list` for the agents")
        }
        return agent
    }

    /// The team's row id, if the team exists.
    public static func teamID(_ db: Database, name: String) throws -> Int64? {
        try TeamRecord.filter(TeamRecord.Columns.name == name).select(TeamRecord.Columns.id, as: Int64.self).fetchOne(db)
    }

    /// Team names, in the order they were created (一组, 二组, ... sort badly by name).
    public static func teams(_ db: Database) throws -> [String] {
        try TeamRecord.order(TeamRecord.Columns.id).select(TeamRecord.Columns.name, as: String.self).fetchAll(db)
    }

    /// Seats of a team (or all), and how many are occupied.
    public static func seatCounts(_ db: Database, team: String? = nil) throws -> (seats: Int, occupied: Int) {
        let row = try Row.fetchOne(db, sql: """
            SELECT COUNT(*) AS seats, COUNT(agent.id) AS occupied
            FROM seat LEFT JOIN team ON team.id = seat.team_id
            LEFT JOIN agent ON agent.seat_id = seat.id
            WHERE ?1 IS NULL OR team.name = ?1
            """, arguments: [team])!
        return (row["seats"], row["occupied"])
    }

    /// Each team's seats and how many are occupied, by team name, in one grouped read (the seat
    /// report's team rows); a team without seats is not listed.
    public static func seatCountsByTeam(_ db: Database) throws -> [String: (seats: Int, occupied: Int)] {
        var result: [String: (seats: Int, occupied: Int)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT team.name, COUNT(*) AS seats, COUNT(agent.id) AS occupied
            FROM seat JOIN team ON team.id = seat.team_id
            LEFT JOIN agent ON agent.seat_id = seat.id
            GROUP BY team.id
            """) {
            result[row[0]] = (row["seats"], row["occupied"])
        }
        return result
    }

    /// Creates the team if it does not exist; returns its id.
    @discardableResult
    public static func ensureTeam(_ db: Database, name: String) throws -> Int64 {
        if let id = try teamID(db, name: name) { return id }
        return try TeamRecord(name: name).inserted(db).id!
    }

    /// Adds seats to a team (existing codes are left as they are); returns how many were new.
    @discardableResult
    public static func addSeats(_ db: Database, codes: [String], team: String) throws -> Int {
        let teamID = try ensureTeam(db, name: team)
        var added = 0
        for code in codes {
            // An existing code is left as it is (INSERT OR IGNORE); the record's id is not used.
            var seat = SeatRecord(code: code, teamID: teamID)
            try seat.insert(db, onConflict: .ignore)
            added += db.changesCount
        }
        return added
    }
}
