import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import GRDB
import LeadData

/// Learned scoring in the demo: the center trains a model as soon as its closed leads hold
/// enough sales, scores every lead that arrives after, and (with `rank_by = "score"`) works them
/// by expected premium. The figure it leaves is the conversion of the leads called first, to
/// set beside the same center run with `rank_by = "grade"` (same seed).
public struct DemoScoring: Sendable, Equatable {
    /// `grade` or `score`: how the floor ordered its work.
    public var rankBy: String
    /// The day the model was trained, and its card; nil when the sales never reached the minimum.
    public var trainedOn: String?
    public var card: ModelCard?
    /// Of each batch that arrived after the model, the half dialed first: leads and sales.
    public var firstCalled = 0
    public var firstCalledSales = 0

    public var firstCalledConversion: Double? { firstCalled > 0 ? Double(firstCalledSales) / Double(firstCalled) : nil }

    /// The last batch before the model, so later batches are the ones measured.
    var batchBeforeModel: Int64 = 0
    /// The last batch scored.
    var scoredThrough: Int64 = 0

    /// Each morning: train once the closed leads hold `leads.scoring.min_sales` sales, then score
    /// the open and pool leads (new batches included).
    mutating func morning(_ db: Database, settings: Settings, clock: Clock, seed: UInt64) throws {
        let scoring = LeadScoring(settings: settings, clock: clock)
        if card == nil {
            let sales = try Leads.count(db, status: .won)
            guard sales >= settings.leads.scoring.minSales else { return }
            card = try scoring.train(db, options: .init(seed: seed))
            trainedOn = clock.today
            batchBeforeModel = try Leads.lastBatchID(db)
            _ = try scoring.apply(db, batch: nil)
            scoredThrough = batchBeforeModel
        }
        // Later mornings score only the batches that arrived since (the model has not changed).
        for batch in try Leads.batchIDs(db, after: scoredThrough) {
            _ = try scoring.apply(db, batch: batch)
            scoredThrough = batch
        }
    }

    /// Measures the leads called first of every batch that arrived after the model.
    mutating func measure(_ db: Database) throws {
        guard card != nil else { return }
        // Each batch's leads in the order they were first called (time, then id): the first half
        // of its accepted leads are the ones called first.
        let leads = try Leads.leads(db, batchesAfter: batchBeforeModel)
        let firstCall = try ActivityFigures.firstCalls(db, leads: leads.map(\.id))
        let accepted = try Leads.accepted(db, batchesAfter: batchBeforeModel)
        var called: [Int64: [(at: String, id: Int64, won: Bool)]] = [:]
        for lead in leads {
            guard let at = firstCall[lead.id] else { continue }
            called[lead.batch, default: []].append((at, lead.id, lead.status == LeadStatus.won.rawValue))
        }
        firstCalled = 0
        firstCalledSales = 0
        for (batch, leads) in called {
            let first = leads.sorted { ($0.at, $0.id) < ($1.at, $1.id) }.prefix(((accepted[batch] ?? 0) + 1) / 2)
            firstCalled += first.count
            firstCalledSales += first.filter(\.won).count
        }
    }
}
