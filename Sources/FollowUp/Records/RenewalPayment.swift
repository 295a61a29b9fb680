import CallOpsCore
import CallOpsStore

// A typed record of one FollowUp table for its one-row reads and writes; its column names are
// SPEC section 2's contract and the migrations'. Grouped reports keep their measured SQL.

/// A renewal premium collected (`renewal_payment`, one row per policy and installment).
public struct RenewalPayment: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "renewal_payment"
    public var id: Int64?
    public var policyID: Int64
    /// 1 for the first premium after the sale.
    public var installment: Int
    public var dueOn: CivilDay
    public var amount: Money
    public var paidOn: CivilDay
    public var recordedAt: String

    public enum Columns {
        public static let id = Column(CodingKeys.id), policyID = Column(CodingKeys.policyID), installment = Column(CodingKeys.installment)
        public static let dueOn = Column(CodingKeys.dueOn), amount = Column(CodingKeys.amount), paidOn = Column(CodingKeys.paidOn)
        public static let recordedAt = Column(CodingKeys.recordedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, installment
        case policyID = "policy_id"
        case dueOn = "due_on"
        case amount = "amount_fen"
        case paidOn = "paid_on"
        case recordedAt = "recorded_at"
    }

    public init(policyID: Int64, installment: Int, dueOn: CivilDay, amount: Money, paidOn: CivilDay, recordedAt: String) {
        self.policyID = policyID
        self.installment = installment
        self.dueOn = dueOn
        self.amount = amount
        self.paidOn = paidOn
        self.recordedAt = recordedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
