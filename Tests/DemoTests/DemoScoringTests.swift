import BackOffice
import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Testing

@testable import Demo

/// The demo's learned scoring: a model once the sales allow, every later lead scored, the floor
/// ranking by expected premium under `rank_by = "score"`, and the figure to compare.
@Suite(.serialized) struct DemoScoringTests {
    let clock = try! Clock(fixed: "2026-11-23T18:00", timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func build(rankBy: String) throws -> (AppDatabase, DemoCenter.Summary) {
        var settings = Settings.defaults
        // A small center: a model from 40 sales, so the test runs in seconds.
        settings.leads.scoring.minSales = 40
        var options = DemoCenter.Options(seed: 11, agents: 12, leads: 1_500, days: 10)
        options.rankBy = rankBy
        let db = try AppDatabase.inMemory(schema: BackOfficeSchema.migrations)
        return (db, try DemoCenter.build(db, options: options, settings: settings, clock: clock))
    }

    @Test func theCenterTrainsScoresAndRanksByScore() throws {
        let (db, summary) = try build(rankBy: "score")
        let scoring = summary.scoring
        let card = try #require(scoring.card, "no model trained: \(summary.sales) sales")
        #expect(scoring.rankBy == "score" && scoring.trainedOn != nil && card.sales >= 40)
        // Buyers' propensity follows income, age and children, which the model reads finely and
        // the grades coarsely.
        #expect((card.auc ?? 0) > 0.55, "\(card)")
        #expect(scoring.firstCalled > 0 && scoring.firstCalledSales <= scoring.firstCalled)
        // Every imported lead after the first batch is scored; customers' referrals (`customers
        // referral add`, one lead at a time) are not imported and are not scored yet.
        let unscored = try db.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lead WHERE status IN ('open', 'pool') AND propensity IS NULL AND batch_id > 1 AND referred_by IS NULL")
        }
        #expect(unscored == 0)
        #expect(try db.read { db in try LeadRanking.scoreRankingInForce(db, settings: {
            var s = Settings.defaults
            s.leads.rankBy = "score"
            return s
        }()) } == card.beatsGrades)
    }

    @Test func propensityFollowsTheLeadsFields() throws {
        func lead(age: Int?, income: Int64?, children: Int?, married: Bool?) -> Double {
            FloorSimulation.buyerPropensity(age: age, incomeFen: income.map { $0 * 100 }, children: children, married: married)
        }
        let family = (lead(age: 38, income: 250_000, children: 2, married: true))
        let single = (lead(age: 23, income: 30_000, children: 0, married: false))
        // exp(1.0 + 0.5 + 0.5 + 0.1 − 0.5) and exp(−0.1 − 0.7 − 0.5).
        #expect(abs(family - exp(1.6)) < 1e-12 && abs(single - exp(-1.3)) < 1e-12)
        // Both 25-50 with income over 50,000: the grades see the same lead, the buyers do not.
        #expect(lead(age: 40, income: 300_000, children: 1, married: true) > 2 * lead(age: 26, income: 60_000, children: 0, married: true))
    }
}
