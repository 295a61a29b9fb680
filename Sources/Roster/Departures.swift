import CallOpsCore
import CallOpsStore
import Foundation
import GRDB

/// What an agent does on the floor: sell, or lead a team (a lead earns the override, 管理津贴).
public enum AgentRole: String, Codable, CaseIterable, Sendable {
    case agent, lead
}

/// An agent's role and leaving day, beside the `Agent` record.
public struct AgentTenure: Equatable, Sendable {
    public var agentID: Int64
    public var role: AgentRole
    /// The first day away (the last day worked is the day before); nil while on the roster, or
    /// for an agent marked `left` before leaving days were recorded.
    public var leftOn: CivilDay?
}

/// One move in and out of the roster: `left` on a first day away, or `returned` on a day back.
public struct TenureEvent: Equatable, Sendable {
    public var agentID: Int64
    public var kind: String
    public var day: CivilDay
}

extension RosterSchema {
    /// `left_on` and `role` on the agent (SPEC section 4), and the append-only history of
    /// departures and returns that retention counts from.
    static let departuresMigration = Migration("roster.departures") { db in
        try db.execute(sql: """
            ALTER TABLE agent ADD COLUMN left_on TEXT;
            ALTER TABLE agent ADD COLUMN role TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'lead'));
            CREATE TABLE agent_tenure_event (
                id INTEGER PRIMARY KEY,
                agent_id INTEGER NOT NULL REFERENCES agent(id),
                kind TEXT NOT NULL CHECK (kind IN ('left', 'returned')),
                day TEXT NOT NULL,
                reason TEXT,
                recorded_at TEXT NOT NULL
            );
            CREATE INDEX agent_tenure_event_agent ON agent_tenure_event(agent_id, day);
            CREATE TRIGGER agent_tenure_event_append_only_update BEFORE UPDATE ON agent_tenure_event
                BEGIN SELECT RAISE(ABORT, 'the tenure history is append-only'); END;
            CREATE TRIGGER agent_tenure_event_append_only_delete BEFORE DELETE ON agent_tenure_event
                BEGIN SELECT RAISE(ABORT, 'the tenure history is append-only'); END;
            """)
    }
}

extension Roster {
    /// Every agent's role and leaving day, by agent id.
    public static func tenures(_ db: Database) throws -> [Int64: AgentTenure] {
        var result: [Int64: AgentTenure] = [:]
        for agent in try AgentRecord.fetchAll(db) {
            let id = agent.id ?? 0
            result[id] = AgentTenure(
                agentID: id, role: agent.role,
                leftOn: try agent.leftOn.map { try StoredValue.day($0, table: "agent", column: "left_on", id: id) })
        }
        return result
    }

    /// Every departure and return, oldest first.
    public static func tenureEvents(_ db: Database) throws -> [TenureEvent] {
        try TenureEventRecord.order(TenureEventRecord.Columns.day, TenureEventRecord.Columns.id).fetchAll(db).map { try $0.event() }
    }

    /// Records that an agent leaves: `left_on` is the first day away, status `left`, the seat
    /// freed, a line in the tenure history. The agent's leads and customers are the caller's
    /// (FollowUp's `Departure`), in the same transaction.
    ///
    /// An agent already `left` without a leaving day (an older roster, or an import that just
    /// marked them) may be given one; an agent with a leaving day is refused.
    public static func recordDeparture(_ db: Database, agent: Agent, leftOn: CivilDay, reason: String?, clock: Clock) throws {
        guard let hired = CivilDay(agent.hireDate) else {
            throw CallOpsError.invalidValue(field: "hire_date", value: agent.hireDate, expected: "a date YYYY-MM-DD in the roster")
        }
        if leftOn < hired {
            throw CallOpsError.invalidValue(field: "--date", value: leftOn.description,
                                            expected: "a first day away on or after agent \(agent.code)'s hire date \(agent.hireDate)")
        }
        if leftOn > clock.civilToday {
            throw CallOpsError.invalidValue(field: "--date", value: leftOn.description,
                                            expected: "a day up to today (\(clock.today)); record a departure on or after its first day away")
        }
        guard var stored = try AgentRecord.fetchOne(db, key: agent.id) else {
            throw CallOpsError.notFound(kind: "agent", key: agent.code, hint: "see `callops roster list` for agent codes")
        }
        if stored.status == .left, let earlier = stored.leftOn {
            throw CallOpsError.refused("agent \(agent.code) already left on \(earlier)")
        }
        try stored.updateChanges(db) {
            $0.status = .left
            $0.leftOn = leftOn.description
            $0.seatID = nil
        }
        var event = TenureEventRecord(agentID: agent.id, kind: "left", day: leftOn.description, reason: reason, recordedAt: clock.nowTimestamp)
        try event.insert(db)
    }

    /// Records that an agent who had left is back on the roster from `day`.
    static func recordReturn(_ db: Database, agentID: Int64, day: CivilDay, reason: String, clock: Clock) throws {
        try AgentRecord.filter(key: agentID).updateAll(db, AgentRecord.Columns.leftOn.set(to: nil))
        var event = TenureEventRecord(agentID: agentID, kind: "returned", day: day.description, reason: reason, recordedAt: clock.nowTimestamp)
        try event.insert(db)
    }
}
