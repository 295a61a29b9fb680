import CallOpsCore
import CallOpsStore

// A typed record of one FollowUp table for its one-row reads and writes; its column names are
// SPEC section 2's contract and the migrations'. Grouped reports keep their measured SQL.

/// A whole `policy` row, for a sale's insert and a cancellation's read (`Policy` is the lighter
/// view the reports and queues list, with the seller's code).
public struct StoredPolicy: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "policy"
    public var id: Int64?
    public var leadID: Int64
    /// The seller: sales and commission stay with it, whoever serves the customer later.
    public var agentID: Int64
    public var product: String
    public var line: String
    /// The annual premium.
    public var premium: Money
    public var mode: PremiumMode
    public var insured: Insured
    public var insuredAge: Int?
    public var commission: Money
    /// The local time of the sale.
    public var soldAt: String
    public var status: PolicyStatus = .inForce
    public var cancelledAt: String?
    public var cancelReason: String?
    public var stabilizedAt: String?
    public var renewalsPaid: Int = 0
    public var nextDueOn: CivilDay?
    public var lapsedOn: CivilDay?
    /// nil on insert: the `policy_servicing_default` trigger puts in whoever serves the customer, else the seller.
    public var servicingAgentID: Int64?

    public enum Columns {
        public static let id = Column(CodingKeys.id), leadID = Column(CodingKeys.leadID), agentID = Column(CodingKeys.agentID)
        public static let status = Column(CodingKeys.status), soldAt = Column(CodingKeys.soldAt)
        public static let servicingAgentID = Column(CodingKeys.servicingAgentID)
    }

    enum CodingKeys: String, CodingKey {
        case id, product, line, mode, insured, status
        case leadID = "lead_id"
        case agentID = "agent_id"
        case premium = "premium_fen"
        case insuredAge = "insured_age"
        case commission = "commission_fen"
        case soldAt = "sold_at"
        case cancelledAt = "cancelled_at"
        case cancelReason = "cancel_reason"
        case stabilizedAt = "stabilized_at"
        case renewalsPaid = "renewals_paid"
        case nextDueOn = "next_due_on"
        case lapsedOn = "lapsed_on"
        case servicingAgentID = "servicing_agent_id"
    }

    public init(leadID: Int64, agentID: Int64, product: String, line: String, premium: Money, mode: PremiumMode, insured: Insured,
                insuredAge: Int?, commission: Money, soldAt: String, nextDueOn: CivilDay?) {
        self.leadID = leadID
        self.agentID = agentID
        self.product = product
        self.line = line
        self.premium = premium
        self.mode = mode
        self.insured = insured
        self.insuredAge = insuredAge
        self.commission = commission
        self.soldAt = soldAt
        self.nextDueOn = nextDueOn
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
