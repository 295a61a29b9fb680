import CallOpsCore
import Foundation

/// A trained lead-scoring model: the encoder and the weights. P(sale) of a lead is the logistic
/// of the intercept plus the weights of its active features.
public struct ScoringModel: Codable, Equatable, Sendable {
    public var encoder: FeatureEncoder
    public var weights: [Double]
    public var intercept: Double
    /// The penalty cross-validation chose.
    public var lambda: Double

    /// P(sale) of a lead given by its active features.
    public func probability(active: [Int32]) -> Double {
        var eta = intercept
        for f in active { eta += weights[Int(f)] }
        return LogisticRegression.sigmoid(eta)
    }

    /// P(sale) of a lead given as column name → text.
    public func probability(_ record: [String: String]) -> Double { probability(active: encoder.encode(record)) }

    /// A feature's effect in words: `年收入 ≥ 200,000: ×2.3 odds`.
    public struct Effect: Codable, Equatable, Sendable {
        public var feature: String
        public var weight: Double
        /// e^weight: how the feature multiplies the odds of a sale.
        public var oddsRatio: Double { exp(weight) }

        public var words: String {
            let ratio = oddsRatio
            return ratio >= 1 ? "\(feature): ×\(String(format: "%.2f", ratio)) odds" : "\(feature): ×\(String(format: "%.2f", ratio)) odds (÷\(String(format: "%.2f", 1 / ratio)))"
        }

        enum CodingKeys: String, CodingKey { case feature, weight }
    }

    /// The `count` features with the largest effect either way, strongest first.
    public func strongest(_ count: Int) -> [Effect] {
        let order = weights.indices.sorted { abs(weights[$0]) != abs(weights[$1]) ? abs(weights[$0]) > abs(weights[$1]) : $0 < $1 }
        return order.prefix(count).map { Effect(feature: encoder.describe($0), weight: weights[$0]) }
    }

    /// The lead's own features with the largest effect either way: why it scores as it does.
    public func reasons(_ record: [String: String], count: Int) -> [Effect] {
        let active = encoder.encode(record)
        let order = active.sorted { abs(weights[Int($0)]) != abs(weights[Int($1)]) ? abs(weights[Int($0)]) > abs(weights[Int($1)]) : $0 < $1 }
        return order.prefix(count).map { Effect(feature: encoder.describe(Int($0)), weight: weights[Int($0)]) }
    }
}

/// The model card (SPEC sections 5 and 13): what the model was trained on and how well it ranks
/// the hold-out, beside the rule grades on the same hold-out.
public struct ModelCard: Codable, Equatable, Sendable {
    public var modelID: Int64?
    public var trainedAt: String
    /// Closed leads used, hold-out included, and their sales.
    public var leads: Int
    public var sales: Int
    public var baseRate: Double
    public var holdoutLeads: Int
    public var holdoutSales: Int
    /// AUC of the model and of the rule grades (A > B > C) on the hold-out; nil when the hold-out
    /// lacks a sale or a non-sale.
    public var auc: Double?
    public var gradeAUC: Double?
    /// Sale rate of the top 20% by score over the hold-out's rate, and their share of its sales.
    public var liftTop20: Double?
    public var captureTop20: Double?
    public var deciles: [ScoringMetrics.Decile]
    public var features: [ScoringModel.Effect]
    public var featureCount: Int
    public var lambda: Double
    public var seed: UInt64
    public var holdout: Double
    public var since: String?
    /// Average premium (yuan) of a won lead per class (grade) at training time, and `*` for all:
    /// the other factor of expected premium.
    public var classPremiums: [String: Double] = [:]

    /// Whether the model ranks the hold-out better than the grades: only then may it order work.
    public var beatsGrades: Bool {
        guard let auc else { return false }
        return auc > (gradeAUC ?? 0.5)
    }

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id"
        case trainedAt = "trained_at"
        case leads, sales
        case baseRate = "base_rate"
        case holdoutLeads = "holdout_leads"
        case holdoutSales = "holdout_sales"
        case auc
        case gradeAUC = "grade_auc"
        case liftTop20 = "lift_top20"
        case captureTop20 = "capture_top20"
        case deciles, features
        case featureCount = "feature_count"
        case lambda, seed, holdout, since
        case classPremiums = "class_premiums"
    }

    /// Every key, null included: `auc` and `grade_auc` are part of the contract even when unknown.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelID, forKey: .modelID)
        try c.encode(trainedAt, forKey: .trainedAt)
        try c.encode(leads, forKey: .leads)
        try c.encode(sales, forKey: .sales)
        try c.encode(baseRate, forKey: .baseRate)
        try c.encode(holdoutLeads, forKey: .holdoutLeads)
        try c.encode(holdoutSales, forKey: .holdoutSales)
        try c.encode(auc, forKey: .auc)
        try c.encode(gradeAUC, forKey: .gradeAUC)
        try c.encode(liftTop20, forKey: .liftTop20)
        try c.encode(captureTop20, forKey: .captureTop20)
        try c.encode(deciles, forKey: .deciles)
        try c.encode(features, forKey: .features)
        try c.encode(featureCount, forKey: .featureCount)
        try c.encode(lambda, forKey: .lambda)
        try c.encode(seed, forKey: .seed)
        try c.encode(holdout, forKey: .holdout)
        try c.encode(since, forKey: .since)
        try c.encode(classPremiums, forKey: .classPremiums)
    }
}

/// Fitting a model on closed leads: the seeded hold-out split, the features, the penalty by
/// cross-validation, the fit and the card. No database: the caller brings the leads.
public enum ScoreTraining {
    /// The closed leads to learn from, row by row in `table`.
    public struct Examples: Sendable {
        public var table: LeadTable
        public var ids: [Int64]
        public var sold: [Bool]
        /// The rule grade as a number (A 3, B 2, C 1), the baseline the model must beat.
        public var gradeRank: [Int]

        public init(table: LeadTable, ids: [Int64], sold: [Bool], gradeRank: [Int]) {
            self.table = table
            self.ids = ids
            self.sold = sold
            self.gradeRank = gradeRank
        }
    }

    /// A number in [0, 1) fixed by the seed and the lead id alone: the same lead falls on the same
    /// side of the split on every machine and in every run (`scripts/score-reference.py` repeats it).
    public static func splitUnit(seed: UInt64, id: Int64, salt: UInt64) -> Double {
        var random = SeededRandom(seed: seed ^ (UInt64(bitPattern: id) &* 0xD1B5_4A32_D192_ED03) ^ salt)
        return random.unit()
    }

    static let holdoutSalt: UInt64 = 0
    static let foldSalt: UInt64 = 0x5EED_F01D

    /// Whether lead `id` is in the hold-out.
    public static func isHoldout(id: Int64, seed: UInt64, share: Double) -> Bool {
        splitUnit(seed: seed, id: id, salt: holdoutSalt) < share
    }

    /// Trains and evaluates.
    /// - Parameters:
    ///   - holdout: the share of leads kept out of training to measure the model on.
    public static func train(_ examples: Examples, rules: Settings.ScoringRules, holdout: Double, seed: UInt64, trainedAt: String,
                             since: String? = nil) -> (model: ScoringModel, card: ModelCard) {
        let n = examples.ids.count
        var trainRows: [Int] = [], testRows: [Int] = []
        for r in 0..<n {
            if isHoldout(id: examples.ids[r], seed: seed, share: holdout) { testRows.append(r) } else { trainRows.append(r) }
        }
        let table = examples.table
        let encoder = FeatureEncoder.fit(table, rows: trainRows, bins: rules.bins, rareMinLeads: rules.rareMinLeads, maxLevels: rules.maxLevels)
        let plan = encoder.plan(for: table)
        let absent = encoder.absentColumnFeatures(for: table)
        var data = PatternData(featureCount: encoder.featureCount)
        let folds = max(2, rules.folds)
        for r in trainRows {
            let fold = Int(splitUnit(seed: seed, id: examples.ids[r], salt: foldSalt) * Double(folds))
            data.add(FeatureEncoder.encode(row: r, table: table, plan: plan, absent: absent), label: examples.sold[r], fold: fold)
        }
        let lambda = rules.lambdas.count == 1 ? rules.lambdas[0] : LogisticRegression.crossValidate(data, lambdas: rules.lambdas, folds: folds).lambda
        let fit = LogisticRegression.fit(data, lambda: lambda)
        let model = ScoringModel(encoder: encoder, weights: fit.weights, intercept: fit.intercept, lambda: lambda)
        let scores = testRows.map { model.probability(active: FeatureEncoder.encode(row: $0, table: table, plan: plan, absent: absent)) }
        let labels = testRows.map { examples.sold[$0] }
        let grades = testRows.map { Double(examples.gradeRank[$0]) }
        let sales = examples.sold.reduce(0) { $0 + ($1 ? 1 : 0) }
        let top = ScoringMetrics.top(share: 0.2, scores: scores, labels: labels)
        let card = ModelCard(
            modelID: nil, trainedAt: trainedAt, leads: n, sales: sales, baseRate: n > 0 ? Double(sales) / Double(n) : 0,
            holdoutLeads: testRows.count, holdoutSales: labels.reduce(0) { $0 + ($1 ? 1 : 0) },
            auc: ScoringMetrics.auc(scores: scores, labels: labels), gradeAUC: ScoringMetrics.auc(scores: grades, labels: labels),
            liftTop20: top?.lift, captureTop20: top?.capture, deciles: ScoringMetrics.deciles(scores: scores, labels: labels),
            features: model.strongest(10), featureCount: encoder.featureCount, lambda: lambda, seed: seed, holdout: holdout, since: since)
        return (model, card)
    }
}
