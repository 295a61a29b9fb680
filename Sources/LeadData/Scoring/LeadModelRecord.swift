import CallOpsCore
import CallOpsStore

/// A row of `lead_model`: a trained scoring model, its card (JSON) and its weights (JSON); the
/// column names are SPEC section 2's contract. The queue's ranking read keeps its one SQL
/// statement (`LeadRanking.rankingModel`: `json_extract` of the card's class premiums on the
/// primary key, so a queue never decodes the weights).
public struct LeadModelRecord: Codable, Equatable, Sendable, StoredRecord, MutablePersistableRecord {
    public static let databaseTableName = "lead_model"
    public var id: Int64?
    /// The local time of the training.
    public var trainedAt: String
    /// The `--since` day, when given.
    public var since: String?
    public var leads: Int
    public var sales: Int
    public var auc: Double?
    public var gradeAUC: Double?
    /// The `ModelCard` as JSON (written once the id is known).
    public var card: String
    /// The `ScoringModel` as JSON.
    public var model: String

    public enum Columns {
        public static let id = Column(CodingKeys.id), trainedAt = Column(CodingKeys.trainedAt), card = Column(CodingKeys.card)
    }

    enum CodingKeys: String, CodingKey {
        case id, since, leads, sales, auc, card, model
        case trainedAt = "trained_at"
        case gradeAUC = "grade_auc"
    }

    public init(trainedAt: String, since: String?, leads: Int, sales: Int, auc: Double?, gradeAUC: Double?, card: String, model: String) {
        self.trainedAt = trainedAt
        self.since = since
        self.leads = leads
        self.sales = sales
        self.auc = auc
        self.gradeAUC = gradeAUC
        self.card = card
        self.model = model
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<LeadModelRecord> {
    /// The newest model first.
    public func newestFirst() -> Self { order(LeadModelRecord.Columns.id.desc) }
}

// The lead's stored statuses and grades read as cases (or the named error).
extension LeadStatus: StoredCase {}
extension LeadGrade: StoredCase {}
extension LeadClass: StoredCase {}
