import CallOpsCore
import Foundation
import Testing

@testable import LeadData

/// The pure parts of learned scoring: metrics, the solver, the features.
@Suite struct ScoringMathTests {
    @Test func aucCountsPairsAndHalvesTies() throws {
        // scikit-learn's documented example: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75.
        #expect(ScoringMetrics.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
        // One sale tied with one of two non-sales: (0.5 + 1) / 2.
        #expect(ScoringMetrics.auc(scores: [1, 1, 0], labels: [true, false, false]) == 0.75)
        // Perfect, reversed, and undefined without both kinds.
        #expect(ScoringMetrics.auc(scores: [3, 2, 1], labels: [true, false, false]) == 1)
        #expect(ScoringMetrics.auc(scores: [1, 2, 3], labels: [true, false, false]) == 0)
        #expect(ScoringMetrics.auc(scores: [1, 2], labels: [false, false]) == nil)
    }

    @Test func topTwentyPercentLiftAndCapture() throws {
        // Ten leads, four sales; the top two by score are both sales.
        let scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]
        let labels = [true, true, false, false, true, false, false, true, false, false]
        let top = try #require(ScoringMetrics.top(share: 0.2, scores: scores, labels: labels))
        #expect(top.capture == 0.5)
        #expect(abs(top.lift - 2.5) < 1e-12)  // (2 / 2) / (4 / 10)
    }

    @Test func decilesSplitLikeNtile() throws {
        // 25 leads: NTILE(10) gives 3, 3, 3, 3, 3, 2, 2, 2, 2, 2.
        #expect((0..<10).map { ScoringMetrics.decileRange($0, count: 25).count } == [3, 3, 3, 3, 3, 2, 2, 2, 2, 2])
        let scores = (0..<25).map { Double($0) / 25 }
        let labels = (0..<25).map { $0 >= 20 }
        let deciles = ScoringMetrics.deciles(scores: scores, labels: labels)
        #expect(deciles.count == 10 && deciles.first?.decile == 1 && deciles.first?.observed == 1 && deciles.last?.observed == 0)
        #expect(deciles.reduce(0) { $0 + $1.leads } == 25)
        #expect(ScoringMetrics.deciles(scores: [0.5, 0.2], labels: [true, false]).count == 2)
    }

    @Test func choleskySolvesASymmetricSystem() throws {
        // [4 2; 2 3] x = [2; 1] → x = [0.5, 0].
        let x = try #require(LogisticRegression.choleskySolve([4, 2, 2, 3], [2, 1], 2))
        #expect(abs(x[0] - 0.5) < 1e-12 && abs(x[1]) < 1e-12)
        #expect(LogisticRegression.choleskySolve([1, 2, 2, 1], [1, 1], 2) == nil)
    }

    @Test func anUnpenalisedFitRecoversTheObservedRates() throws {
        // One indicator: 100 leads without it sell 20, 50 with it sell 30. The maximum-likelihood
        // fit is logit(0.2) for the intercept and logit(0.6) − logit(0.2) = ln 6 for the weight.
        var data = PatternData(featureCount: 1)
        data.add([], label: true, weight: 20)
        data.add([], label: false, weight: 80)
        data.add([0], label: true, weight: 30)
        data.add([0], label: false, weight: 20)
        #expect(data.groupCount == 2)
        let fit = LogisticRegression.fit(data, lambda: 1e-9)
        #expect(abs(fit.intercept - log(0.25)) < 1e-6)
        #expect(abs(fit.weights[0] - log(6)) < 1e-6)
    }

    @Test func groupingRowsChangesNothingAndThePenaltyShrinks() throws {
        var random = SeededRandom(seed: 3)
        var grouped = PatternData(featureCount: 4)
        var rows: [([Int32], Bool)] = []
        for _ in 0..<2_000 {
            let active = (0..<4).filter { _ in random.chance(0.4) }.map(Int32.init)
            let eta = -1.5 + (active.contains(0) ? 1.2 : 0) - (active.contains(2) ? 0.8 : 0)
            let label = random.chance(LogisticRegression.sigmoid(eta))
            rows.append((active, label))
            grouped.add(active, label: label)
        }
        #expect(grouped.groupCount <= 16)
        let fit = LogisticRegression.fit(grouped, lambda: 1)
        // The same fit as the sum over single rows: its gradient there is zero.
        var gradient = [Double](repeating: 0, count: 5)
        for (active, label) in rows {
            var eta = fit.intercept
            for j in active { eta += fit.weights[Int(j)] }
            let r = LogisticRegression.sigmoid(eta) - (label ? 1 : 0)
            gradient[4] += r
            for j in active { gradient[Int(j)] += r }
        }
        for j in 0..<4 { gradient[j] += 1 * fit.weights[j] }
        #expect(gradient.allSatisfy { abs($0) < 1e-5 }, "\(gradient)")
        #expect(fit.weights[0] > 0.9 && fit.weights[2] < -0.5)
        let strong = LogisticRegression.fit(grouped, lambda: 1_000)
        #expect(abs(strong.weights[0]) < abs(fit.weights[0]) && abs(strong.weights[2]) < abs(fit.weights[2]))
        // Cross-validation is deterministic and picks one of the candidates.
        var folded = PatternData(featureCount: 4)
        for (k, (active, label)) in rows.enumerated() { folded.add(active, label: label, fold: k % 5) }
        let cv = LogisticRegression.crossValidate(folded, lambdas: [0.1, 10, 10_000], folds: 5)
        #expect(cv == LogisticRegression.crossValidate(folded, lambdas: [0.1, 10, 10_000], folds: 5))
        #expect(cv.lambda != 10_000 && cv.losses.count == 3 && cv.losses[2] > cv.losses[0])
    }

    @Test func quantileBinsKeepAHeavyValueApart() throws {
        #expect(FeatureEncoder.quantileCuts((1...100).map { (Double($0), 1) }, bins: 4) == [26, 51, 76])
        // Bank Marketing's pdays: -1 ("never contacted") for most; it becomes a bin of its own.
        #expect(FeatureEncoder.quantileCuts([(-1, 82)] + (1...18).map { (Double($0), 1) }, bins: 5) == [1])
        #expect(FeatureEncoder.quantileCuts([(7, 10)], bins: 5) == [])
    }

    @Test func encoderPoolsRareValuesAndMarksMissing() throws {
        var table = LeadTable()
        for i in 0..<100 {
            table.addRow()
            table.set("职业", i < 50 ? "教师" : i < 90 ? "工程师" : i < 95 ? "司机" : nil)
            table.set(LeadTable.Field.income, String(i * 10_000))
            table.set("常数", "同")
        }
        let encoder = FeatureEncoder.fit(table, rows: Array(0..<100), bins: 4, rareMinLeads: 10, maxLevels: 10)
        #expect(encoder.columns.map(\.name) == ["职业", "年收入"])  // a constant column says nothing
        let job = encoder.columns[0]
        #expect(job.levels == ["教师", "工程师"] && job.hasOther && job.hasMissing && !job.numeric)
        let income = encoder.columns[1]
        #expect(income.numeric && income.cuts == [250_000, 500_000, 750_000] && !income.hasMissing)
        #expect(encoder.featureCount == 4 + 4)
        #expect((0..<encoder.featureCount).map(encoder.describe) == [
            "职业 = 教师", "职业 = 工程师", "职业: a rare value", "职业 unknown",
            "年收入 < 250,000", "年收入 250,000–500,000", "年收入 500,000–750,000", "年收入 ≥ 750,000",
        ])
        #expect(encoder.encode(["职业": "护士", "年收入": "800000"]) == [2, 7])
        #expect(encoder.encode([:]) == [3])
        // A row of the table encodes the same through the per-value plan.
        let plan = encoder.plan(for: table)
        #expect(FeatureEncoder.encode(row: 96, table: table, plan: plan, absent: encoder.absentColumnFeatures(for: table))
            == encoder.encode(table.row(96)))
    }
}
