import CallOpsCore
import CallOpsStore

// A typed record of one FollowUp table for its one-row reads and writes; its column names are
// SPEC section 2's contract and the migrations'. Grouped reports keep their measured SQL.

/// A programme touch of a customer (`customer_touch`): an event, a gift, a visit, a nurture call.
public struct CustomerTouch: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "customer_touch"
    public var id: Int64?
    public var leadID: Int64
    public var agentID: Int64
    public var kind: TouchKind
    public var onDay: CivilDay
    public var note: String?
    /// The nurture call's `call.id` (kind `call`).
    public var callID: Int64?
    public var recordedAt: String

    public enum Columns {
        public static let id = Column(CodingKeys.id), leadID = Column(CodingKeys.leadID), agentID = Column(CodingKeys.agentID)
        public static let kind = Column(CodingKeys.kind), onDay = Column(CodingKeys.onDay), note = Column(CodingKeys.note)
        public static let callID = Column(CodingKeys.callID), recordedAt = Column(CodingKeys.recordedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, note
        case leadID = "lead_id"
        case agentID = "agent_id"
        case onDay = "on_day"
        case callID = "call_id"
        case recordedAt = "recorded_at"
    }

    public init(leadID: Int64, agentID: Int64, kind: TouchKind, onDay: CivilDay, note: String?, callID: Int64? = nil, recordedAt: String) {
        self.leadID = leadID
        self.agentID = agentID
        self.kind = kind
        self.onDay = onDay
        self.note = note
        self.callID = callID
        self.recordedAt = recordedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
