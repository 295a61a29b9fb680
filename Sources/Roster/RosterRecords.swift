import CallOpsCore
import CallOpsStore
import GRDB

// The roster's tables as typed records: one per table, with its columns. Other modules read
// agents and teams through `Roster`'s functions, which use these.

extension Roster {
    /// Whether an agent with this code is on the roster (whatever the status).
    public static func agentExists(_ db: Database, code: String) throws -> Bool {
        try AgentRecord.filter(AgentRecord.Columns.code == code).isEmpty(db) == false
    }

    /// The name of the team with this row id.
    public static func teamName(_ db: Database, id: Int64) throws -> String {
        guard let team = try TeamRecord.fetchOne(db, key: id) else {
            throw CallOpsError.notFound(kind: "team", key: String(id), hint: "see `callops roster list` for the teams")
        }
        return team.name
    }
}

/// A row of `agent`, as stored: the roster's own reads and writes go through it; `Agent` is
/// the joined view (team and seat by name) that other modules get.
public struct AgentRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "agent"
    public var id: Int64?
    public var code: String
    public var name: String
    public var teamID: Int64
    /// `YYYY-MM-DD`.
    public var hireDate: String
    /// The tier the roster gives, nil when not given.
    public var tier: Tier?
    public var status: AgentStatus
    public var seatID: Int64?
    public var dailyNewLeads: Int?
    public var maxOpenLeads: Int?
    /// The dialer login; nil on insert gives the agent code (a trigger).
    public var dialerUser: String?
    /// The first day away, for an agent who has left.
    public var leftOn: String?
    /// An agent or a team lead.
    public var role: AgentRole

    enum CodingKeys: String, CodingKey {
        case id, code, name, tier, status, role
        case teamID = "team_id"
        case hireDate = "hire_date"
        case seatID = "seat_id"
        case dailyNewLeads = "daily_new_leads"
        case maxOpenLeads = "max_open_leads"
        case dialerUser = "dialer_user"
        case leftOn = "left_on"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let code = Column(CodingKeys.code)
        public static let name = Column(CodingKeys.name)
        public static let teamID = Column(CodingKeys.teamID)
        public static let hireDate = Column(CodingKeys.hireDate)
        public static let tier = Column(CodingKeys.tier)
        public static let status = Column(CodingKeys.status)
        public static let seatID = Column(CodingKeys.seatID)
        public static let dailyNewLeads = Column(CodingKeys.dailyNewLeads)
        public static let maxOpenLeads = Column(CodingKeys.maxOpenLeads)
        public static let dialerUser = Column(CodingKeys.dialerUser)
        public static let leftOn = Column(CodingKeys.leftOn)
        public static let role = Column(CodingKeys.role)
    }

    public init(id: Int64? = nil, code: String, name: String, teamID: Int64, hireDate: String, tier: Tier? = nil, status: AgentStatus,
                seatID: Int64? = nil, dailyNewLeads: Int? = nil, maxOpenLeads: Int? = nil, dialerUser: String? = nil,
                leftOn: String? = nil, role: AgentRole = .agent) {
        self.id = id
        self.code = code
        self.name = name
        self.teamID = teamID
        self.hireDate = hireDate
        self.tier = tier
        self.status = status
        self.seatID = seatID
        self.dailyNewLeads = dailyNewLeads
        self.maxOpenLeads = maxOpenLeads
        self.dialerUser = dialerUser
        self.leftOn = leftOn
        self.role = role
    }

    /// Reads the integer columns through `StoredValue`: through `Decodable` text in `team_id` or
    /// a quota read as 0 (and NULL as a decoding error naming no row); now the named error. The
    /// tier, status and role are their cases: an unknown one is the named error too.
    public init(row: Row) throws {
        let table = Self.databaseTableName
        id = try StoredValue.int64(row, "id", table: table)
        code = try StoredValue.value(String.self, row, "code", table: table, expected: "an agent code")
        name = try StoredValue.value(String.self, row, "name", table: table, expected: "a name")
        teamID = try StoredValue.int64(row, "team_id", table: table)
        hireDate = try StoredValue.value(String.self, row, "hire_date", table: table, expected: "a day (YYYY-MM-DD)")
        tier = try StoredValue.optional(Tier.self, row, "tier", table: table)
        status = try StoredValue.value(AgentStatus.self, row, "status", table: table)
        seatID = try StoredValue.optionalInt64(row, "seat_id", table: table)
        dailyNewLeads = try Self.optionalCount(row, "daily_new_leads")
        maxOpenLeads = try Self.optionalCount(row, "max_open_leads")
        dialerUser = try StoredValue.value(String?.self, row, "dialer_user", table: table, expected: "a dialer login or NULL")
        leftOn = try StoredValue.value(String?.self, row, "left_on", table: table, expected: "a day (YYYY-MM-DD) or NULL")
        role = try StoredValue.value(AgentRole.self, row, "role", table: table)
    }

    /// NULL, or a count within `StoredValue.countRange`.
    static func optionalCount(_ row: Row, _ column: String) throws -> Int? {
        let stored: DatabaseValue = row[column]
        return stored.isNull ? nil : try StoredValue.count(row, column, table: databaseTableName)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<AgentRecord> {
    /// Agents who have left.
    public func left() -> Self { filter(AgentRecord.Columns.status == AgentStatus.left.rawValue) }

    /// Active agents of a team (probation and leavers out).
    public func active(inTeam team: Int64) -> Self {
        filter(AgentRecord.Columns.teamID == team && AgentRecord.Columns.status == AgentStatus.active.rawValue)
    }
}

/// A row of `team`.
public struct TeamRecord: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
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
public struct SeatRecord: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
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
public struct TierReviewRecord: Codable, Equatable, Sendable, StoredRecord, PersistableRecord {
    public static let databaseTableName = "tier_review"
    /// The table's key: an error names the row `agent_id month`, as `callops check` does.
    public static var storedKeys: [String] { ["agent_id", "month"] }
    public var agentID: Int64
    /// The first month the rank holds.
    public var month: CivilMonth
    public var tier: Tier
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
public struct TierHistoryRecord: Codable, Equatable, Sendable, StoredRecord, PersistableRecord {
    public static let databaseTableName = "tier_history"
    /// The table's key: an error names the row `agent_id month`, as `callops check` does.
    public static var storedKeys: [String] { ["agent_id", "month"] }
    public var agentID: Int64
    public var month: CivilMonth
    public var tier: Tier
    public var source: TierSource
    public var why: String
    /// The day the month's tier was last resolved for.
    public var asOf: CivilDay

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

    /// The entry (its columns decoded with the record, or the named error).
    var entry: TierHistoryEntry { TierHistoryEntry(month: month, tier: tier, source: source, why: why, asOf: asOf) }
}

/// A row of `agent_tenure_event`: a departure or a return (append-only; retention counts from it).
public struct TenureEventRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "agent_tenure_event"
    public var id: Int64?
    public var agentID: Int64
    /// `left` or `returned`.
    public var kind: String
    /// `YYYY-MM-DD`: the first day away, or the day back.
    public var day: String
    public var reason: String?
    public var recordedAt: String

    enum CodingKeys: String, CodingKey {
        case id, kind, day, reason
        case agentID = "agent_id"
        case recordedAt = "recorded_at"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let agentID = Column(CodingKeys.agentID)
        public static let kind = Column(CodingKeys.kind)
        public static let day = Column(CodingKeys.day)
    }

    public init(id: Int64? = nil, agentID: Int64, kind: String, day: String, reason: String?, recordedAt: String) {
        self.id = id
        self.agentID = agentID
        self.kind = kind
        self.day = day
        self.reason = reason
        self.recordedAt = recordedAt
    }

    /// Reads the row through `StoredValue`: text in `agent_id` is the error naming the row.
    public init(row: Row) throws {
        let table = Self.databaseTableName
        id = try StoredValue.int64(row, "id", table: table)
        agentID = try StoredValue.int64(row, "agent_id", table: table)
        kind = try StoredValue.value(String.self, row, "kind", table: table, expected: "left or returned")
        day = try StoredValue.value(String.self, row, "day", table: table, expected: "a day (YYYY-MM-DD)")
        reason = try StoredValue.value(String?.self, row, "reason", table: table, expected: "a reason or NULL")
        recordedAt = try StoredValue.value(String.self, row, "recorded_at", table: table, expected: "a local time")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The event with its day decoded, or the error naming the row and column.
    func event() throws -> TenureEvent {
        TenureEvent(agentID: agentID, kind: kind, day: try StoredValue.day(day, table: Self.databaseTableName, column: "day", id: id ?? 0))
    }
}

// The roster's stored statuses read as cases (or the named error) in records and `StoredValue`.
extension AgentStatus: StoredCase {}
extension AgentRole: StoredCase {}
extension TierSource: StoredCase {}
