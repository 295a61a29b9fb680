import CallOpsCore
import CallOpsStore
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
            let sales = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lead WHERE status = 'won'") ?? 0
            guard sales >= settings.leads.scoring.minSales else { return }
            card = try scoring.train(db, options: .init(seed: seed))
            trainedOn = clock.today
            batchBeforeModel = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM lead_batch") ?? 0
            _ = try scoring.apply(db, batch: nil)
            scoredThrough = batchBeforeModel
        }
        // Later mornings score only the batches that arrived since (the model has not changed).
        for batch in try Int64.fetchAll(db, sql: "SELECT id FROM lead_batch WHERE id > ? ORDER BY id", arguments: [scoredThrough]) {
            _ = try scoring.apply(db, batch: batch)
            scoredThrough = batch
        }
    }

    /// Measures the leads called first of every batch that arrived after the model.
    mutating func measure(_ db: Database) throws {
        guard card != nil else { return }
        let row = try Row.fetchOne(db, sql: """
            WITH first AS (
                SELECT lead.id, lead.batch_id, lead.status, MIN(call.started_at) AS at
                FROM lead JOIN call ON call.lead_id = lead.id WHERE lead.batch_id > ? GROUP BY lead.id),
            ranked AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY batch_id ORDER BY at, id) AS k FROM first)
            SELECT COUNT(*), COALESCE(SUM(ranked.status = 'won'), 0)
            FROM ranked JOIN lead_batch b ON b.id = ranked.batch_id WHERE k <= (b.accepted + 1) / 2
            """, arguments: [batchBeforeModel])!
        firstCalled = row[0]
        firstCalledSales = row[1]
    }
}
