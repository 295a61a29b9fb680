extension Settings {
    /// Learned lead scoring (SPEC section 5): how a model is fitted on the center's closed leads.
    public struct ScoringRules: Codable, Equatable, Sendable {
        /// Under this many sales among the closed leads, `leads score train` refuses.
        public var minSales = 200
        /// Share of closed leads kept out of training to measure the model (`--holdout`).
        public var holdout = 0.2
        /// Folds of the cross-validation that picks the penalty on the training part.
        public var folds = 5
        /// L2 penalties tried (on the summed log-loss; scikit-learn's C is 1 / penalty).
        public var lambdas = [0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
        /// A numeric column is cut into this many quantile bins.
        public var bins = 10
        /// A categorical value held by fewer training leads is pooled into "other".
        public var rareMinLeads = 30
        /// At most this many values of a column keep a feature of their own.
        public var maxLevels = 40

        enum CodingKeys: String, CodingKey {
            case minSales = "min_sales"
            case holdout, folds, lambdas, bins
            case rareMinLeads = "rare_min_leads"
            case maxLevels = "max_levels"
        }
        public init() {}
    }
}

extension Settings {
    /// The scoring keys' ranges.
    func validateScoring(_ fail: (String, String) -> CallOpsError) throws {
        if !["grade", "score"].contains(leads.rankBy) { throw fail("leads.rank_by", "\"\(leads.rankBy)\" is not grade or score") }
        if leads.maxModelAgeDays < 1 || leads.maxModelAgeDays > 3_650 { throw fail("leads.max_model_age_days", "must be between 1 and 3650 days") }
        let s = leads.scoring
        if s.minSales < 1 || s.minSales > 1_000_000 { throw fail("leads.scoring.min_sales", "must be between 1 and 1000000") }
        if !(s.holdout >= 0.05 && s.holdout <= 0.5) { throw fail("leads.scoring.holdout", "must be a share between 0.05 and 0.5, such as 0.2 (as --holdout)") }
        if s.folds < 2 || s.folds > 20 { throw fail("leads.scoring.folds", "must be between 2 and 20") }
        if s.lambdas.isEmpty || s.lambdas.contains(where: { !($0 > 0) || !$0.isFinite }) {
            throw fail("leads.scoring.lambdas", "needs one or more positive penalties, such as [1.0, 10.0]")
        }
        if s.bins < 2 || s.bins > 100 { throw fail("leads.scoring.bins", "must be between 2 and 100") }
        if s.rareMinLeads < 1 { throw fail("leads.scoring.rare_min_leads", "must be 1 or more") }
        if s.maxLevels < 1 || s.maxLevels > 1_000 { throw fail("leads.scoring.max_levels", "must be between 1 and 1000") }
    }
}
