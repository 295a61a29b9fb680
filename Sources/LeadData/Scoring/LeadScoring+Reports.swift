import CallOpsCore
import CallOpsStore
import Foundation

/// One score decile after the fact (`leads stats --by score-decile`): how the leads the model
/// ranked there went since.
public struct ScoreDecileStats: Encodable, Equatable, Sendable, FetchableRecord, Decodable {
    public var decile: Int
    public var leads: Int
    /// The mean learned score of the decile.
    public var predicted: Double
    public var contacted: Int
    public var sold: Int
    public var premiumFen: Int64

    enum CodingKeys: String, CodingKey {
        case decile, leads, predicted, contacted, sold
        case premiumFen = "premium_fen"
    }

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
    /// their contacts, sales and premium so far.
    public static func deciles(_ db: Database, batch: Int64?) throws -> [ScoreDecileStats] {
        try ScoreDecileStats.fetchAll(db, sql: """
            SELECT decile, COUNT(*) AS leads, AVG(propensity) AS predicted, SUM(last_contact_at IS NOT NULL) AS contacted,
                   SUM(status = 'won') AS sold, COALESCE(SUM(premium_fen), 0) AS premium_fen
            FROM (SELECT propensity, last_contact_at, status, premium_fen,
                         NTILE(10) OVER (ORDER BY propensity DESC, id) AS decile
                  FROM lead WHERE propensity IS NOT NULL AND (?1 IS NULL OR batch_id = ?1))
            GROUP BY decile ORDER BY decile
            """, arguments: [batch])
    }

    /// The lead's score and its three strongest reasons, from the model that scored it (else
    /// the newest); nil when no model exists.
    public static func explain(_ db: Database, lead id: Int64) throws -> LeadScoreExplanation? {
        let row = try Row.fetchOne(db, sql: "SELECT propensity, propensity_model_id FROM lead WHERE id = ?", arguments: [id])
        let storedScore: Double? = row?[0]
        let modelID: Int64? = row?[1]
        guard let model = try modelID.flatMap({ try stored(db, id: $0) }) ?? newest(db),
            let record = try record(db, lead: id)
        else { return nil }
        let score = modelID == model.id ? storedScore ?? model.model.probability(record) : model.model.probability(record)
        return LeadScoreExplanation(score: score, modelID: model.id, trainedAt: model.card.trainedAt, stored: modelID == model.id && storedScore != nil,
                                    reasons: model.model.reasons(record, count: 3))
    }
}
