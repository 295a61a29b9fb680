import CallOpsCore
import CallOpsStore

// A typed record of one FollowUp table for its one-row reads and writes; its column names are
// SPEC section 2's contract and the migrations'. Grouped reports keep their measured SQL.

/// A family member a lead file or an agent told of (`family_member`).
public struct FamilyMember: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "family_member"
    public var id: Int64?
    public var leadID: Int64
    /// `spouse`, `child` or `parent`.
    public var relation: Insured
    public var age: Int
    /// `M` or `F` when known.
    public var gender: String?

    public enum Columns {
        public static let id = Column(CodingKeys.id), leadID = Column(CodingKeys.leadID), relation = Column(CodingKeys.relation)
        public static let age = Column(CodingKeys.age), gender = Column(CodingKeys.gender)
    }

    enum CodingKeys: String, CodingKey {
        case id, relation, age, gender
        case leadID = "lead_id"
    }

    public init(leadID: Int64, relation: Insured, age: Int, gender: String?) {
        self.leadID = leadID
        self.relation = relation
        self.age = age
        self.gender = gender
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension FamilyMember {
    /// A lead's named family, by relation then oldest first.
    static func of(lead: Int64) -> QueryInterfaceRequest<FamilyMember> {
        filter(Columns.leadID == lead).order(Columns.relation, Columns.age.desc)
    }
}
