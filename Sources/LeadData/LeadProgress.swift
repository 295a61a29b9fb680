import CallOpsCore
import CallOpsStore
import Foundation

/// The follow-up module's window onto a lead: it reads where the cadence stands and writes what
/// a call changed, and the lead's status, ledger and statistics follow.
public enum LeadProgress {
    /// A lead as the cadence needs it.
    public struct Snapshot: Equatable, Sendable, FetchableRecord, Decodable {
        public var id: Int64
        public var phone: String
        public var name: String?
        public var grade: String
        public var status: String
        public var agentID: Int64?
        public var assignedAt: String?
        public var stage: String
        public var attempts: Int
        public var followUps: Int
        public var unanswered: Int
        public var lastAttemptAt: String?
        public var lastContactAt: String?
        public var nextDueAt: String?
        public var callbackAt: String?
        public var age: Int?
        public var gender: String?
        public var married: Bool?
        public var children: Int?
        public var incomeFen: Int64?

        enum CodingKeys: String, CodingKey {
            case id, phone, name, grade, status, stage, attempts, unanswered, age, gender, married, children
            case agentID = "agent_id"
            case assignedAt = "assigned_at"
            case followUps = "follow_ups"
            case lastAttemptAt = "last_attempt_at"
            case lastContactAt = "last_contact_at"
            case nextDueAt = "next_due_at"
            case callbackAt = "callback_at"
            case incomeFen = "income_fen"
        }
    }

    static let select = """
        SELECT id, phone, name, grade, status, agent_id, assigned_at, stage, attempts, follow_ups, unanswered,
               last_attempt_at, last_contact_at, next_due_at, callback_at, age, gender, married, children, income_fen
        FROM lead
        """

    /// The lead with this id.
    public static func lead(_ db: Database, id: Int64) throws -> Snapshot? {
        try Snapshot.fetchOne(db.cachedStatement(sql: select + " WHERE id = ?"), arguments: [id])
    }

    /// The lead with this (normalised) phone number.
    public static func lead(_ db: Database, phone: String) throws -> Snapshot? {
        try Snapshot.fetchOne(db.cachedStatement(sql: select + " WHERE phone = ?"), arguments: [phone])
    }

    /// What one call changed.
    public struct Update: Sendable {
        public var at: String
        public var contact: Bool
        public var effective: Bool
        public var interested: Bool
        public var stage: String
        public var followUps: Int
        public var unanswered: Int
        public var lastContactAt: String?
        public var nextDueAt: String?
        public var callbackAt: String?
        /// Set when the cadence ended: won, lost, exhausted, dnc or invalid, with why.
        public var ended: (status: LeadStatus, reason: String)?
        /// The premium of a sale, added to the lead's.
        public var premium: Money?

        public init(at: String, contact: Bool, effective: Bool, interested: Bool, stage: String, followUps: Int, unanswered: Int,
                    lastContactAt: String?, nextDueAt: String?, callbackAt: String?, ended: (status: LeadStatus, reason: String)? = nil,
                    premium: Money? = nil) {
            self.at = at
            self.contact = contact
            self.effective = effective
            self.interested = interested
            self.stage = stage
            self.followUps = followUps
            self.unanswered = unanswered
            self.lastContactAt = lastContactAt
            self.nextDueAt = nextDueAt
            self.callbackAt = callbackAt
            self.ended = ended
            self.premium = premium
        }
    }

    /// Writes a call's effect on the lead; an ended cadence closes it with its reason in the ledger.
    public static func record(_ db: Database, lead: Int64, agent: Int64?, update: Update, clock: Clock) throws {
        try db.cachedStatement(sql: """
            UPDATE lead SET attempts = attempts + 1, last_attempt_at = MAX(COALESCE(last_attempt_at, ''), ?1),
                stage = ?2, follow_ups = ?3, unanswered = ?4, last_contact_at = ?5, next_due_at = ?6, callback_at = ?7,
                effective_at = COALESCE(effective_at, CASE WHEN ?8 THEN ?1 END),
                interested_at = COALESCE(interested_at, CASE WHEN ?9 THEN ?1 END),
                premium_fen = CASE WHEN ?10 IS NULL THEN premium_fen ELSE COALESCE(premium_fen, 0) + ?10 END
            WHERE id = ?11
            """).execute(arguments: [update.at, update.stage, update.followUps, update.unanswered, update.lastContactAt, update.nextDueAt,
                             update.callbackAt, update.effective, update.interested, update.premium?.fen, lead])
        if let ended = update.ended {
            try LeadLedger.close(db, lead: lead, agent: agent, status: ended.status, reason: ended.reason, clock: clock)
        }
    }

    /// Adds premium to a lead already won (a second policy for the household).
    public static func addPremium(_ db: Database, lead: Int64, premium: Money) throws {
        try db.execute(sql: "UPDATE lead SET premium_fen = COALESCE(premium_fen, 0) + ? WHERE id = ?", arguments: [premium.fen, lead])
    }

    /// Subtracts a cancelled policy's premium.
    public static func removePremium(_ db: Database, lead: Int64, premium: Money) throws {
        try db.execute(sql: "UPDATE lead SET premium_fen = MAX(0, COALESCE(premium_fen, 0) - ?) WHERE id = ?", arguments: [premium.fen, lead])
    }

    /// An agent's open leads, for the next-call queue: an index seek on (agent_id, status), so
    /// the cost follows the agent's own leads, not the size of the table.
    public static func openLeads(_ db: Database, agent: Int64) throws -> [Snapshot] {
        try Snapshot.fetchAll(db.cachedStatement(sql: select + """
             WHERE agent_id = ? AND status = 'open' AND NOT EXISTS (SELECT 1 FROM dnc WHERE dnc.phone = lead.phone)
            """), arguments: [agent])
    }
}

extension LeadProgress {
    /// How many open callbacks (customer promises) the agent holds.
    public static func openCallbacks(_ db: Database, agent: Int64) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT COUNT(*) FROM lead WHERE agent_id = ? AND status = 'open' AND callback_at IS NOT NULL
            """), arguments: [agent]) ?? 0
    }

    /// Every agent's count of open callbacks (the agents holding none left out), from the index
    /// on open callbacks: one query for a bulk import instead of one per agent.
    public static func openCallbacksByAgent(_ db: Database) throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT agent_id, COUNT(*) FROM lead WHERE status = 'open' AND callback_at IS NOT NULL AND agent_id IS NOT NULL GROUP BY agent_id
            """) {
            counts[row[0]] = row[1]
        }
        return counts
    }

    /// Counts a call on a lead whose cadence has ended (a dialer called it anyway).
    public static func noteAttempt(_ db: Database, lead: Int64, at: String) throws {
        try db.execute(sql: "UPDATE lead SET attempts = attempts + 1, last_attempt_at = MAX(COALESCE(last_attempt_at, ''), ?) WHERE id = ?",
                       arguments: [at, lead])
    }
}

extension LeadProgress {
    /// The ids of a batch's leads.
    public static func leadIDs(_ db: Database, batch: Int64) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM lead WHERE batch_id = ?", arguments: [batch])
    }
}
