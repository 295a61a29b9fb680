import CallOpsCore
import CallOpsStore
import GRDB

// The roster's tables as typed records: one per table, with its columns. Other modules read
// agents and teams through `Roster`'s functions, which use these.

extension Roster {
    /// Whether an agent with this code is on the roster (whatever the status).
    public static func agentExists(_ db: Database, code: String) throws -> Bool {
        try AgentRow.filter(AgentRow.Columns.code == code).isEmpty(db) == false
    }

    /// The name of the team with this row id.
    public static func teamName(_ db: Database, id: Int64) throws -> String {
        guard let team = try TeamRecord.fetchOne(db, key: id) else {
            throw CallOpsError.notFound(kind: "team", key: String(id), hint: "see `callops roster list` for the teams")
        }
        return team.name
    }
}

/// The `agent` table's key columns, for existence and counts; `Agent` is the roster's joined view.
struct AgentRow: TableRecord {
    static let databaseTableName = "agent"
    enum Columns {
        static let id = Column("id")
        static let code = Column("code")
    }
}

/// A row of `team`.
public struct TeamRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "team"
    public var id: Int64?
    public var name: String

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let name = Column(CodingKeys.name)
    }

    public init(id: Int64? = nil, name: String) {
        self.id = id
        self.name = name
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `seat` (工位).
public struct SeatRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "seat"
    public var id: Int64?
    public var code: String
    public var teamID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, code
        case teamID = "team_id"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let code = Column(CodingKeys.code)
        public static let teamID = Column(CodingKeys.teamID)
    }

    public init(id: Int64? = nil, code: String, teamID: Int64?) {
        self.id = id
        self.code = code
        self.teamID = teamID
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `tier_review`: the rank a pay review set from a month on.
public struct TierReviewRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tier_review"
    public var agentID: Int64
    /// `YYYY-MM`.
    public var month: String
    public var tier: String
    public var why: String
    public var appliedAt: String

    enum CodingKeys: String, CodingKey {
        case month, tier, why
        case agentID = "agent_id"
        case appliedAt = "applied_at"
    }

    public enum Columns {
        public static let agentID = Column(CodingKeys.agentID)
        public static let month = Column(CodingKeys.month)
        public static let tier = Column(CodingKeys.tier)
    }
}

/// A row of `tier_history`: an agent's tier for a month, where it came from and why.
public struct TierHistoryRecord: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tier_history"
    public var agentID: Int64
    /// `YYYY-MM`.
    public var month: String
    public var tier: String
    public var source: String
    public var why: String
    /// The day the month's tier was last resolved for.
    public var asOf: String

    enum CodingKeys: String, CodingKey {
        case month, tier, source, why
        case agentID = "agent_id"
        case asOf = "as_of"
    }

    public enum Columns {
        public static let agentID = Column(CodingKeys.agentID)
        public static let month = Column(CodingKeys.month)
        public static let asOf = Column(CodingKeys.asOf)
    }

    /// The entry with its stored text decoded, or an error naming the row and column.
    func entry() throws -> TierHistoryEntry {
        let key = "\(agentID) \(month)"
        return TierHistoryEntry(
            month: try StoredValue.month(month, table: Self.databaseTableName, column: "month", id: key),
            tier: try StoredValue.enum(Tier.self, tier, table: Self.databaseTableName, column: "tier", id: key),
            source: try StoredValue.enum(TierSource.self, source, table: Self.databaseTableName, column: "source", id: key),
            why: why,
            asOf: try StoredValue.day(asOf, table: Self.databaseTableName, column: "as_of", id: key))
    }
}
