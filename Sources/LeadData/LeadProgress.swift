import CallOpsCore
import CallOpsStore
import Foundation

/// The follow-up module's window onto a lead: it reads where the cadence stands and writes what
/// a call changed, and the lead's status, ledger and statistics follow.
public enum LeadProgress {
    /// A lead as the cadence needs it.
    public struct Snapshot: Equatable, Sendable, FetchableRecord {
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

        /// Reads every column through `StoredValue`: text in an integer column, a count past its
        /// range or NULL where a value must be is the error naming the lead and the column (GRDB's
        /// `Decodable` read trapped or read text as 0, and a count near Int.max trapped the cadence's `+ 1`).
        public init(row: Row) throws {
            let table = "lead"
            id = try StoredValue.int64(row, "id", table: table)
            phone = try StoredValue.value(String.self, row, "phone", table: table, expected: "a phone number")
            name = try StoredValue.value(String?.self, row, "name", table: table, expected: "a name or NULL")
            grade = try StoredValue.enum(LeadGrade.self, row, "grade", table: table).rawValue
            status = try StoredValue.enum(LeadStatus.self, row, "status", table: table).rawValue
            agentID = try StoredValue.optionalInt64(row, "agent_id", table: table)
            assignedAt = try StoredValue.value(String?.self, row, "assigned_at", table: table, expected: "a local time or NULL")
            stage = try StoredValue.value(String.self, row, "stage", table: table, expected: "a cadence stage")
            attempts = try StoredValue.count(row, "attempts", table: table)
            followUps = try StoredValue.count(row, "follow_ups", table: table)
            unanswered = try StoredValue.count(row, "unanswered", table: table)
            lastAttemptAt = try StoredValue.value(String?.self, row, "last_attempt_at", table: table, expected: "a local time or NULL")
            lastContactAt = try StoredValue.value(String?.self, row, "last_contact_at", table: table, expected: "a local time or NULL")
            nextDueAt = try StoredValue.value(String?.self, row, "next_due_at", table: table, expected: "a local time or NULL")
            callbackAt = try StoredValue.value(String?.self, row, "callback_at", table: table, expected: "a local time or NULL")
            age = try StoredValue.value(Int?.self, row, "age", table: table, expected: "an integer or NULL")
            gender = try StoredValue.value(String?.self, row, "gender", table: table, expected: "M, F or NULL")
            married = try StoredValue.value(Bool?.self, row, "married", table: table, expected: "0, 1 or NULL")
            children = try StoredValue.value(Int?.self, row, "children", table: table, expected: "an integer or NULL")
            incomeFen = try StoredValue.optionalInt64(row, "income_fen", table: table)
            if let incomeFen { try StoredValue.checked(incomeFen, in: StoredValue.fenRange, table: table, column: "income_fen", id: id) }
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
            SELECT agent_id, COUNT(*), MIN(id) AS id FROM lead WHERE status = 'open' AND callback_at IS NOT NULL AND agent_id IS NOT NULL GROUP BY agent_id
            """) {
            counts[try StoredValue.int64(row, "agent_id", table: "lead")] = row[1]
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
