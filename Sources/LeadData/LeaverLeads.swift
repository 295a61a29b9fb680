import CallOpsCore
import CallOpsStore
import Foundation

/// What a departure did to the leaver's leads.
public struct LeaverLeadsResult: Equatable, Sendable {
    /// Open leads back in the pool (not to the leaver again: they are gone).
    public var released = 0
    /// Callbacks (promises to customers) moved to a teammate or the named successor.
    public var callbacksMoved = 0
    /// Callbacks back in the pool because no teammate had room.
    public var callbacksToPool = 0
}

extension Recycler {
    /// Hands back one leaving agent's open leads, in the caller's transaction: callbacks to
    /// `successor` when given, else to the active teammate with the fewest open callbacks under
    /// `max_open_callbacks` (the pool when none has room); every other open lead to the pool.
    /// Each move has its ledger lines.
    public func releaseLeads(_ db: Database, of leaver: AgentID, team: Int64, successor: AgentID?) throws -> LeaverLeadsResult {
        let agent = leaver.rawValue
        var result = LeaverLeadsResult()
        let now = clock.nowTimestamp
        let rules = settings.leads.recycling
        let callbacks = try Int64.fetchAll(db, sql: """
            SELECT id FROM lead WHERE agent_id = ? AND status = 'open' AND callback_at IS NOT NULL ORDER BY callback_at, id
            """, arguments: [agent])
        for lead in callbacks {
            let taker = try successor?.rawValue ?? callbackTaker(db, team: team, excluding: agent)
            guard let taker else {
                try db.execute(sql: "UPDATE lead SET status = 'pool', agent_id = NULL, assigned_at = NULL WHERE id = ?", arguments: [lead])
                try LeadLedger.record(db, lead: lead, event: "released", agent: agent, reason: "callback returned to the pool: its agent has left and no teammate has room", clock: clock)
                result.callbacksToPool += 1
                continue
            }
            try db.execute(sql: "UPDATE lead SET agent_id = ?, assigned_at = ? WHERE id = ?", arguments: [taker, now, lead])
            try LeadLedger.record(db, lead: lead, event: "released", agent: agent, reason: "callback moved: its agent has left", clock: clock)
            try LeadLedger.record(db, lead: lead, event: "assigned", agent: taker, reason: "callback taken over from a teammate: its agent has left", clock: clock)
            result.callbacksMoved += 1
        }
        let lockUntil = clock.timestamp(clock.adding(days: rules.ownerLockDays, to: clock.now))
        try db.execute(sql: """
            INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason)
            SELECT id, ?, 'released', agent_id, 'its agent has left' FROM lead WHERE agent_id = ? AND status = 'open'
            """, arguments: [now, agent])
        try db.execute(sql: """
            UPDATE lead SET status = 'pool', locked_agent_id = agent_id, locked_until = ?, agent_id = NULL, assigned_at = NULL
            WHERE agent_id = ? AND status = 'open'
            """, arguments: [lockUntil, agent])
        result.released = db.changesCount
        return result
    }
}
