import CallOpsCore
import CallOpsStore
import Foundation

/// One score decile after the fact (`leads stats --by score-decile`): how the leads the model
/// ranked there went since.
public struct ScoreDecileStats: Encodable, Equatable, Sendable {
    public var decile: Int
    public var leads: Int
    /// The mean learned score of the decile.
    public var predicted: Double
    public var contacted: Int
    public var sold: Int
    public var premiumFen: Int64

    public var premium: Money { Money(fen: premiumFen) }
    public var saleRate: Double { leads > 0 ? Double(sold) / Double(leads) : 0 }

    /// SPEC section 13's keys, money in yuan, plus the predicted and observed rates.
    public func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case decile, leads, predicted, contacted, sold, premium, saleRate = "sale_rate" }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(decile, forKey: .decile)
        try c.encode(leads, forKey: .leads)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(contacted, forKey: .contacted)
        try c.encode(sold, forKey: .sold)
        try c.encode(premium.yuan, forKey: .premium)
        try c.encode(saleRate, forKey: .saleRate)
    }
}

/// A lead's learned score and the three features that move it most (`leads why`).
public struct LeadScoreExplanation: Encodable, Equatable, Sendable {
    public var score: Double
    public var modelID: Int64
    public var trainedAt: String
    /// Whether the score was stored by `leads score apply` (else computed now from the newest model).
    public var stored: Bool
    public var reasons: [ScoringModel.Effect]

    enum CodingKeys: String, CodingKey {
        case score, stored, reasons
        case modelID = "model_id"
        case trainedAt = "trained_at"
    }

    /// `score 0.123 (model 3 of 2026-11-20T10:00:00): 年收入 ≥ 200,000: ×2.30 odds; ...`
    public var words: String {
        "learned score \(String(format: "%.3f", score)) (model \(modelID), trained \(trainedAt)\(stored ? "" : ", not applied yet")): "
            + reasons.map(\.words).joined(separator: "; ")
    }
}

extension LeadScoring {
    /// Scored leads (of one batch when given) in ten deciles by score, decile 1 the highest, with
    /// the contacts, sales and premium that came after the model that scored each lead was
    /// trained: the model is judged on the calls made after it (SPEC section 5), not on what it
    /// may have learned from.
    public static func deciles(_ db: Database, batch: Int64?) throws -> [ScoreDecileStats] {
        if let batch, try !LeadBatchRecord.exists(db, key: batch) {
            throw CallOpsError.notFound(kind: "batch", key: String(batch), hint: "see `callops leads stats` for batch ids")
        }
        try LeadStats.verifyReportedColumns(db, batch: batch, source: nil, propensity: true)
        return try Row.fetchAll(db, sql: """
            SELECT decile, COUNT(*) AS leads, AVG(propensity) AS predicted, SUM(contacted_after) AS contacted,
                   SUM(sold_after) AS sold, COALESCE(SUM(CASE WHEN sold_after THEN premium_fen END), 0) AS premium_fen
            FROM (SELECT lead.propensity, lead.premium_fen,
                         -- a sale after training is a contact after it (LeadStats.contactedSQL)
                         COALESCE(lead.last_contact_at >= lead_model.trained_at, 0)
                             OR COALESCE(lead.status = 'won' AND lead.closed_at >= lead_model.trained_at, 0) AS contacted_after,
                         COALESCE(lead.status = 'won' AND lead.closed_at >= lead_model.trained_at, 0) AS sold_after,
                         NTILE(10) OVER (ORDER BY lead.propensity DESC, lead.id) AS decile
                  FROM lead JOIN lead_model ON lead_model.id = lead.propensity_model_id
                  WHERE lead.propensity IS NOT NULL AND (?1 IS NULL OR lead.batch_id = ?1))
            GROUP BY decile ORDER BY decile
            """, arguments: [batch]).map { try ScoreDecileStats(row: $0, db) }
    }

    /// The lead's score and its three strongest reasons, from the model that scored it (else
    /// the newest); nil when no model exists.
    public static func explain(_ db: Database, lead id: Int64) throws -> LeadScoreExplanation? {
        let row = try Row.fetchOne(db, sql: "SELECT id, propensity, propensity_model_id FROM lead WHERE id = ?", arguments: [id])
        let storedScore = try row.flatMap { try StoredValue.value(Double?.self, $0, "propensity", table: "lead", expected: "a number from 0 to 1 or NULL") }
        let modelID = try row.flatMap { try StoredValue.optionalInt64($0, "propensity_model_id", table: "lead") }
        guard let model = try modelID.flatMap({ try stored(db, id: $0) }) ?? newest(db),
            let record = try record(db, lead: id)
        else { return nil }
        let score = modelID == model.id ? storedScore ?? model.model.probability(record) : model.model.probability(record)
        return LeadScoreExplanation(score: score, modelID: model.id, trainedAt: model.card.trainedAt, stored: modelID == model.id && storedScore != nil,
                                    reasons: model.model.reasons(record, count: 3))
    }
}

extension ScoreDecileStats {
    /// One decile's grouped row: its premium summed over the leads (SQL's SUM reads text as 0,
    /// so a lead's premium that is not whole fen is the error naming that lead, not a lower
    /// figure or GRDB's decoding error naming no row).
    init(row: Row, _ db: Database) throws {
        decile = try StoredValue.value(Int.self, row, "decile", table: "lead")
        leads = try StoredValue.value(Int.self, row, "leads", table: "lead")
        predicted = try StoredValue.value(Double.self, row, "predicted", table: "lead", expected: "a mean of scores from 0 to 1")
        contacted = try StoredValue.value(Int.self, row, "contacted", table: "lead")
        sold = try StoredValue.value(Int.self, row, "sold", table: "lead")
        premiumFen = try StoredValue.sum(db, row, "premium_fen", table: "lead")
    }
}

extension ScoreDecileStats: TabularRow {
    public static var blank: ScoreDecileStats { ScoreDecileStats(decile: 0, leads: 0, predicted: 0, contacted: 0, sold: 0, premiumFen: 0) }
}
