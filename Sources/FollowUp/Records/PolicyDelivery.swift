import CallOpsCore
import CallOpsStore

// A typed record of one FollowUp table for its one-row reads and writes; its column names are
// SPEC section 2's contract and the migrations'. Grouped reports keep their measured SQL.

/// The day a policy reached its customer (`policy_delivery`, one row per policy).
public struct PolicyDelivery: Codable, Equatable, Sendable, StoredRecord, PersistableRecord {
    public static let databaseTableName = "policy_delivery"
    public static var storedKey: String { "policy_id" }
    public var policyID: Int64
    public var deliveredOn: CivilDay
    public var recordedAt: String

    public enum Columns {
        public static let policyID = Column(CodingKeys.policyID), deliveredOn = Column(CodingKeys.deliveredOn)
        public static let recordedAt = Column(CodingKeys.recordedAt)
    }

    enum CodingKeys: String, CodingKey {
        case policyID = "policy_id"
        case deliveredOn = "delivered_on"
        case recordedAt = "recorded_at"
    }

    public init(policyID: Int64, deliveredOn: CivilDay, recordedAt: String) {
        self.policyID = policyID
        self.deliveredOn = deliveredOn
        self.recordedAt = recordedAt
    }
}
