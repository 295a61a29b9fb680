import CallOpsCore
import CallOpsStore

// A typed record of one FollowUp table for its one-row reads and writes; its column names are
// SPEC section 2's contract and the migrations'. Grouped reports keep their measured SQL.

/// A customer handed from one servicing agent to another (`customer_ledger`, append-only).
public struct CustomerLedgerEntry: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "customer_ledger"
    public var id: Int64?
    public var leadID: Int64
    /// The local time of the hand-over.
    public var at: String
    /// nil for a customer who had no servicing agent recorded.
    public var fromAgentID: Int64?
    public var toAgentID: Int64
    public var reason: String

    public enum Columns {
        public static let id = Column(CodingKeys.id), leadID = Column(CodingKeys.leadID), at = Column(CodingKeys.at)
        public static let fromAgentID = Column(CodingKeys.fromAgentID), toAgentID = Column(CodingKeys.toAgentID)
        public static let reason = Column(CodingKeys.reason)
    }

    enum CodingKeys: String, CodingKey {
        case id, at, reason
        case leadID = "lead_id"
        case fromAgentID = "from_agent_id"
        case toAgentID = "to_agent_id"
    }

    public init(leadID: Int64, at: String, fromAgentID: Int64?, toAgentID: Int64, reason: String) {
        self.leadID = leadID
        self.at = at
        self.fromAgentID = fromAgentID
        self.toAgentID = toAgentID
        self.reason = reason
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
