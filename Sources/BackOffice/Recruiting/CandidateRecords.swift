import CallOpsCore
import CallOpsStore
import Foundation
import GRDB

/// A row of `candidate`: someone in the recruiting funnel, and the agent they signed as.
public struct CandidateRecord: Codable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "candidate"
    public var id: Int64?
    public var name: String
    public var phone: String?
    public var channel: RecruitChannel
    public var stage: RecruitStage
    /// `YYYY-MM-DD`: the day the stage began.
    public var stageSince: String
    public var droppedOn: String?
    public var dropReason: String?
    public var agentID: Int64?

    enum CodingKeys: String, CodingKey {
        case id, name, phone, channel, stage
        case stageSince = "stage_since"
        case droppedOn = "dropped_on"
        case dropReason = "drop_reason"
        case agentID = "agent_id"
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let stage = Column(CodingKeys.stage)
        public static let stageSince = Column(CodingKeys.stageSince)
        public static let droppedOn = Column(CodingKeys.droppedOn)
        public static let dropReason = Column(CodingKeys.dropReason)
        public static let agentID = Column(CodingKeys.agentID)
    }

    /// A new candidate at `sourced` on `day`.
    public init(name: String, phone: String?, channel: RecruitChannel, on day: CivilDay) {
        self.name = name
        self.phone = phone
        self.channel = channel
        self.stage = .sourced
        self.stageSince = day.description
    }

    /// Reads the row through `StoredValue`: text in `agent_id`, an unknown channel or stage is the
    /// error naming the candidate.
    public init(row: Row) throws {
        let table = Self.databaseTableName
        id = try StoredValue.int64(row, "id", table: table)
        name = try StoredValue.value(String.self, row, "name", table: table, expected: "a name")
        phone = try StoredValue.value(String?.self, row, "phone", table: table, expected: "a phone number or NULL")
        channel = try StoredValue.value(RecruitChannel.self, row, "channel", table: table)
        stage = try StoredValue.value(RecruitStage.self, row, "stage", table: table)
        stageSince = try StoredValue.value(String.self, row, "stage_since", table: table, expected: "a day (YYYY-MM-DD)")
        droppedOn = try StoredValue.value(String?.self, row, "dropped_on", table: table, expected: "a day (YYYY-MM-DD) or NULL")
        dropReason = try StoredValue.value(String?.self, row, "drop_reason", table: table, expected: "a reason or NULL")
        agentID = try StoredValue.optionalInt64(row, "agent_id", table: table)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The day the stage began, or the error naming the candidate and the column.
    func since() throws -> CivilDay {
        try StoredValue.day(stageSince, table: Self.databaseTableName, column: "stage_since", id: id ?? 0)
    }
}

/// A row of `candidate_stage`: a stage a candidate reached and the day.
public struct CandidateStageRecord: Codable, Equatable, Sendable, StoredRecord, PersistableRecord {
    public static let databaseTableName = "candidate_stage"
    /// The table has no `id`: an error names the row `candidate_id stage`, as `callops check` does.
    public static var storedKeys: [String] { ["candidate_id", "stage"] }
    public var candidateID: Int64
    public var stage: RecruitStage
    /// `YYYY-MM-DD`.
    public var enteredOn: String

    enum CodingKeys: String, CodingKey {
        case stage
        case candidateID = "candidate_id"
        case enteredOn = "entered_on"
    }

    public enum Columns {
        public static let candidateID = Column(CodingKeys.candidateID)
        public static let stage = Column(CodingKeys.stage)
        public static let enteredOn = Column(CodingKeys.enteredOn)
    }

    public init(candidateID: Int64, stage: RecruitStage, on day: CivilDay) {
        self.candidateID = candidateID
        self.stage = stage
        self.enteredOn = day.description
    }
}
