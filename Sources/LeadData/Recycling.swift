import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// What a recycling run did (SPEC section 5, 数据回收).
public struct RecycleResult: Encodable, Equatable, Sendable {
    /// Open leads with no call for `idle_days` since assignment, back in the pool.
    public var idle = 0
    /// Exhausted leads past their cool-down, back in the pool for a different agent.
    public var exhausted = 0
    /// Exhausted leads recycled `max_recycles` times already, retired.
    public var retired = 0
    /// Open leads of agents who have left, back in the pool.
    public var fromLeavers = 0
    /// Callbacks moved to a teammate with room (their agent left, or they are overdue).
    public var callbacksMoved = 0
    /// Callbacks that needed a new agent but found no teammate with room.
    public var callbacksStuck = 0
    public var dryRun = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case idle, exhausted, retired
        case fromLeavers = "from_leavers"
        case callbacksMoved = "callbacks_moved"
        case callbacksStuck = "callbacks_stuck"
        case dryRun = "dry_run"
    }
}

/// Reclaims leads that sit idle, recycles exhausted ones after a cool-down, and rescues
/// callbacks (customer promises) from agents who left or let them slip.
public struct Recycler {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// Stages from which a lead is never reclaimed: the customer is close to buying.
    public static let protectedStages = ["proposal"]

    public func run(_ db: AppDatabase, idleDays: Int? = nil, dryRun: Bool = false) throws -> RecycleResult {
        var result = try db.transaction(dryRun: dryRun) { db in try recycle(db, idleDays: idleDays) }
        result.dryRun = dryRun
        return result
    }

    /// The run itself, inside the caller's transaction.
    public func recycle(_ db: Database, idleDays: Int? = nil) throws -> RecycleResult {
        let rules = settings.leads.recycling
        let now = clock.nowTimestamp
        let lockUntil = clock.timestamp(clock.adding(days: rules.ownerLockDays, to: clock.now))
        var result = RecycleResult()
        let idleDays = idleDays ?? rules.idleDays
        let idleBefore = clock.timestamp(clock.adding(days: -idleDays, to: clock.now))
        let protected = Self.protectedStages.map { "'\($0)'" }.joined(separator: ", ")

        // Callbacks first: they are promises to customers and move to a teammate, not the pool.
        try moveCallbacks(db, overdueToo: true, into: &result)

        // Leads of agents who have left, then idle ones: back to the pool, away from the last holder.
        result.fromLeavers = try releaseLeaversLeads(db)
        result.idle = try release(db, reason: "idle: no call in \(idleDays) days since it was assigned", lockUntil: lockUntil, whereSQL: """
            status = 'open' AND assigned_at <= ? AND (last_attempt_at IS NULL OR last_attempt_at < assigned_at)
            AND (callback_at IS NULL OR callback_at <= ?) AND stage NOT IN (\(protected))
            """, arguments: [idleBefore, now])

        // Exhausted leads after the cool-down: to a different agent, at most max_recycles times.
        let cooledBefore = clock.timestamp(clock.adding(days: -rules.cooldownDays, to: clock.now))
        let exhausted = try Row.fetchAll(db, sql: """
            SELECT id, agent_id, recycle_count FROM lead WHERE status = 'exhausted' AND closed_at <= ? ORDER BY id
            """, arguments: [cooledBefore])
        for row in exhausted {
            let lead: Int64 = row["id"], agent = try StoredValue.optionalInt64(row, "agent_id", table: "lead")
            let count = try StoredValue.count(row, "recycle_count", table: "lead")
            if let agent {
                try LeadLedger.record(db, lead: lead, event: "released", agent: agent, reason: "exhausted \(rules.cooldownDays) days ago", clock: clock)
            }
            if count >= rules.maxRecycles {
                try db.execute(sql: "UPDATE lead SET status = 'retired', agent_id = NULL WHERE id = ?", arguments: [lead])
                try LeadLedger.record(db, lead: lead, event: "retired", agent: nil, reason: "exhausted after \(count) recycles", clock: clock)
                result.retired += 1
            } else {
                // A recycled lead starts its cadence afresh, with an agent it has not had.
                try db.execute(sql: """
                    UPDATE lead SET status = 'pool', agent_id = NULL, assigned_at = NULL, recycle_count = recycle_count + 1,
                        stage = 'new', follow_ups = 0, unanswered = 0, next_due_at = NULL, callback_at = NULL,
                        closed_at = NULL, locked_agent_id = ?, locked_until = '9999-12-31T00:00:00'
                    WHERE id = ?
                    """, arguments: [agent, lead])
                try LeadLedger.record(db, lead: lead, event: "recycled", agent: nil, reason: "cool-down of \(rules.cooldownDays) days over; recycle \(count + 1) of \(rules.maxRecycles)", clock: clock)
                result.exhausted += 1
            }
        }
        return result
    }

    /// What an agent's departure needs at once, inside the caller's transaction (the roster
    /// import that marks them `left`): their callbacks to a teammate with room, their other open
    /// leads back to the pool, so the database holds together without waiting for a recycle.
    public func releaseLeavers(_ db: Database) throws -> RecycleResult {
        var result = RecycleResult()
        try moveCallbacks(db, overdueToo: false, into: &result)
        result.fromLeavers = try releaseLeaversLeads(db)
        return result
    }

    private func releaseLeaversLeads(_ db: Database) throws -> Int {
        let lockUntil = clock.timestamp(clock.adding(days: settings.leads.recycling.ownerLockDays, to: clock.now))
        let left = try Roster.leftAgentIDs(db)
        return try release(db, reason: "its agent has left", lockUntil: lockUntil, whereSQL: """
            status = 'open' AND callback_at IS NULL AND agent_id IN (SELECT value FROM json_each(?))
            """, arguments: [jsonIDList(left)])
    }

    /// Moves the callbacks of agents who have left (and, with `overdueToo`, those overdue by more
    /// than `overdue_callback_hours`) to the teammate with the fewest open callbacks under the cap.
    private func moveCallbacks(_ db: Database, overdueToo: Bool, into result: inout RecycleResult) throws {
        let rules = settings.leads.recycling
        let now = clock.nowTimestamp
        let overdueBefore = overdueToo ? clock.timestamp(clock.now.addingTimeInterval(-Double(rules.overdueCallbackHours) * 3600)) : ""
        let left = try Roster.leftAgentIDs(db)
        let callbacks = try Row.fetchAll(db, sql: """
            SELECT id, agent_id FROM lead
            WHERE status = 'open' AND callback_at IS NOT NULL AND (agent_id IN (SELECT value FROM json_each(?)) OR callback_at < ?)
            ORDER BY callback_at, id
            """, arguments: [jsonIDList(left), overdueBefore])
        let standings = try Roster.standings(db, ids: callbacks.map { try StoredValue.int64($0, "agent_id", table: "lead") })
        for row in callbacks {
            let lead: Int64 = row["id"], from = try StoredValue.int64(row, "agent_id", table: "lead")
            guard let standing = standings[from] else { continue }
            let leftAgent = standing.status == .left
            let why = leftAgent ? "its agent has left" : "it is overdue by more than \(rules.overdueCallbackHours) hours"
            let teammate = try callbackTaker(db, team: standing.teamID, excluding: from)
            guard let teammate else {
                result.callbacksStuck += 1
                // Nobody in the team has room: a leaver's callback goes back to the pool, whose
                // next allocation gives it to whoever can keep the promise.
                if leftAgent {
                    try db.execute(sql: "UPDATE lead SET status = 'pool', agent_id = NULL, assigned_at = NULL WHERE id = ?", arguments: [lead])
                    try LeadLedger.record(db, lead: lead, event: "released", agent: from, reason: "callback returned to the pool: its agent has left and no teammate has room", clock: clock)
                }
                continue
            }
            // An overdue promise is due for its new holder from the move, so a run at the same moment
            // finds nothing to move again (SPEC section 10); a later one keeps the customer's time.
            try db.execute(sql: """
                UPDATE lead SET agent_id = ?1, assigned_at = ?2, callback_at = MAX(callback_at, ?2), next_due_at = MAX(callback_at, ?2) WHERE id = ?3
                """, arguments: [teammate, now, lead])
            try LeadLedger.record(db, lead: lead, event: "released", agent: from, reason: "callback moved: \(why)", clock: clock)
            try LeadLedger.record(db, lead: lead, event: "assigned", agent: teammate, reason: "callback taken over from a teammate: \(why)", clock: clock)
            result.callbacksMoved += 1
        }
    }

    /// The active teammate with the fewest open callbacks under `max_open_callbacks` (by code on
    /// a tie), nil when none has room: who takes over a callback.
    func callbackTaker(_ db: Database, team: Int64, excluding agent: Int64) throws -> Int64? {
        let teammates = try Roster.activeTeammates(db, team: team, excluding: agent)
        guard !teammates.isEmpty else { return nil }
        var held: [Int64: Int] = [:]
        for teammate in teammates { held[teammate] = try LeadProgress.openCallbacks(db, agent: teammate) }
        // `min` keeps the first of equals, and the teammates come by code.
        return teammates.filter { held[$0, default: 0] < settings.leads.recycling.maxOpenCallbacks }
            .min { held[$0, default: 0] < held[$1, default: 0] }
    }

    /// Sends matching open leads back to the pool with a ledger line each; returns how many.
    private func release(_ db: Database, reason: String, lockUntil: String, whereSQL: String, arguments: StatementArguments) throws -> Int {
        let now = clock.nowTimestamp
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS released (id INTEGER PRIMARY KEY, agent_id INTEGER)")
        try db.execute(sql: "DELETE FROM released")
        try db.execute(sql: "INSERT INTO released SELECT id, agent_id FROM lead WHERE \(whereSQL)", arguments: arguments)
        try db.execute(sql: """
            INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason) SELECT id, ?, 'released', agent_id, ? FROM released
            """, arguments: [now, reason])
        try db.execute(sql: """
            UPDATE lead SET status = 'pool', locked_agent_id = agent_id, locked_until = ?, agent_id = NULL, assigned_at = NULL
            WHERE id IN (SELECT id FROM released)
            """, arguments: [lockUntil])
        return db.changesCount
    }
}
