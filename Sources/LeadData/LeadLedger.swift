import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// Where a lead stands (the `status` column).
public enum LeadStatus: String, Codable, CaseIterable, Sendable {
    case pool, open, won, lost, exhausted, retired, dnc, invalid
}

/// Every move of a lead goes through here, so the append-only ledger holds its reason.
public enum LeadLedger {
    /// One line of a lead's history.
    public struct Event: Decodable, Encodable, Equatable, Sendable, FetchableRecord {
        public var at: String
        public var event: String
        public var agentCode: String?
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case at, event, reason
            case agentCode = "agent_code"
        }

        public init(at: String, event: String, agentCode: String?, reason: String) {
            self.at = at
            self.event = event
            self.agentCode = agentCode
            self.reason = reason
        }
    }

    /// Records an event. A cached statement, not `LeadLedgerRecord.insert`: it runs once per
    /// allocated lead and per call of the call import (the measured paths).
    public static func record(_ db: Database, lead: Int64, event: String, agent: Int64?, reason: String, clock: Clock) throws {
        try db.cachedStatement(sql: "INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [lead, clock.nowTimestamp, event, agent, reason])
        if event == "assigned", let agent { try AllocationGrants.record(db, at: clock.nowTimestamp, agent: agent, leads: [lead]) }
    }

    /// Ends a lead's working life (DNC, invalid number, refused, won, exhausted).
    public static func close(_ db: Database, lead: Int64, agent: Int64?, status: LeadStatus, reason: String, clock: Clock) throws {
        try db.cachedStatement(sql: """
            UPDATE lead SET status = ?, closed_at = ?, next_due_at = NULL, callback_at = NULL,
                agent_id = CASE WHEN ? THEN agent_id END
            WHERE id = ?
            """).execute(arguments: [status.rawValue, clock.nowTimestamp, !releasesAgent(status), lead])
        for line in closingLines(agent: agent, status: status, reason: reason) {
            try record(db, lead: lead, event: line.event, agent: agent, reason: line.reason, clock: clock)
        }
    }

    /// Whether closing a lead with `status` takes it from its agent (a do-not-call request does).
    public static func releasesAgent(_ status: LeadStatus) -> Bool { status == .dnc }

    /// The ledger lines of a closing, in order: the release from its agent, then the new state.
    static func closingLines(agent: Int64?, status: LeadStatus, reason: String) -> [(event: String, reason: String)] {
        (releasesAgent(status) && agent != nil ? [("released", reason)] : []) + [("state", "\(status.rawValue): \(reason)")]
    }

    /// The ledger lines of closings whose update of the lead was written already
    /// (`LeadProgress.ProgressWriter` folds it into the lead's one write), through a statement
    /// prepared once: the calls import closes one lead in about eleven calls, and `close` there
    /// (a second update of the lead and its lines, GRDB's arguments built for each) was 8% of its
    /// CPU (perf, 200,000 calls, 2026-11-29).
    public final class ClosingLines {
        private let insert: BulkStatement

        public init(_ db: Database) throws {
            insert = try BulkStatement(db, sql: "INSERT INTO lead_ledger (lead_id, at, event, agent_id, reason) VALUES (?, ?, ?, ?, ?)")
        }

        /// Writes what `close` writes to the ledger for a closing at `at`.
        public func write(lead: Int64, agent: Int64?, status: LeadStatus, reason: String, at: String) throws {
            for line in LeadLedger.closingLines(agent: agent, status: status, reason: reason) {
                insert.bind(1, lead)
                insert.bind(2, at)
                insert.bind(3, line.event)
                insert.bind(4, agent)
                insert.bind(5, line.reason)
                try insert.step()
            }
        }
    }

    /// A lead's history, oldest first.
    public static func history(_ db: Database, lead: Int64) throws -> [Event] {
        let codes = Dictionary(uniqueKeysWithValues: try Roster.agents(db).map { ($0.id, $0.code) })
        return try LeadLedgerRecord.all().forLead(lead).fetchAll(db).map { line in
            Event(at: line.at, event: line.event, agentCode: line.agentID.flatMap { codes[$0] }, reason: line.reason)
        }
    }
}
