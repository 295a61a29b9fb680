import CallOpsCore
import CallOpsStore
import Foundation

/// `callops leads score train|apply` (SPEC section 5): the database edge of learned scoring.
/// The fit itself is `ScoreTraining`, a pure function of the leads read here.
public struct LeadScoring {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// What to train on and how.
    public struct TrainOptions: Sendable {
        /// Only leads closed on or after this day (YYYY-MM-DD).
        public var since: String?
        /// nil: the config's share.
        public var holdout: Double?
        public var seed: UInt64 = 1

        public init(since: String? = nil, holdout: Double? = nil, seed: UInt64 = 1) {
            self.since = since
            self.holdout = holdout
            self.seed = seed
        }
    }

    /// Trains a model on the closed leads, stores it with its card and returns the card, in one
    /// transaction. Refuses, storing nothing, under `leads.scoring.min_sales` sales.
    public func train(_ db: AppDatabase, options: TrainOptions) throws -> ModelCard {
        try db.transaction { db in try train(db, options: options) }
    }

    /// The training, inside the caller's transaction.
    public func train(_ db: Database, options: TrainOptions) throws -> ModelCard {
        let rules = settings.leads.scoring
        var sinceStamp: String?
        if let since = options.since {
            guard let day = clock.parseDay(since) else {
                throw CallOpsError.invalidValue(field: "--since", value: since, expected: "a day such as 2026-06-01")
            }
            sinceStamp = clock.timestamp(day)
        }
        let closed = "lead.status IN ('won', 'lost', 'exhausted') AND (?1 IS NULL OR lead.closed_at >= ?1)"
        let counts = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(status = 'won'), 0) FROM lead WHERE \(closed)", arguments: [sinceStamp])!
        let (leads, sales): (Int, Int) = (counts[0], counts[1])
        if sales < rules.minSales {
            let window = options.since.map { " closed since \($0)" } ?? ""
            throw CallOpsError.refused(
                "leads score train: \(sales) sales among \(leads) closed leads\(window); a model needs at least \(rules.minSales) (leads.scoring.min_sales), "
                    + "so \(rules.minSales - sales) more sales are needed; nothing was stored")
        }
        let read = try Self.readLeads(db, whereSQL: closed, arguments: [sinceStamp])
        let examples = ScoreTraining.Examples(
            table: read.table, ids: read.ids, sold: read.statuses.map { $0 == .won }, gradeRank: read.grades.map { Self.gradeRank($0.rawValue) })
        let holdout = options.holdout ?? rules.holdout
        let (model, trained) = ScoreTraining.train(examples, rules: rules, holdout: holdout, seed: options.seed, trainedAt: clock.nowTimestamp,
                                                since: options.since)
        var card = trained
        card.classPremiums = try LeadRanking.classPremiums(db, settings: settings).mapValues { Money(fen: $0).yuan }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let modelJSON = String(decoding: try encoder.encode(model), as: UTF8.self)
        var record = LeadModelRecord(trainedAt: card.trainedAt, since: options.since, leads: card.leads, sales: card.sales, auc: card.auc,
                                     gradeAUC: card.gradeAUC, card: "", model: modelJSON)
        try record.insert(db)
        card.modelID = record.id
        record.card = String(decoding: try encoder.encode(card), as: UTF8.self)
        try record.update(db, columns: [LeadModelRecord.Columns.card])
        return card
    }

    /// What `leads score apply` did.
    public struct ApplyResult: Encodable, Equatable, Sendable {
        public var modelID: Int64
        public var scored: Int
        public var meanScore: Double?

        enum CodingKeys: String, CodingKey {
            case modelID = "model_id"
            case scored
            case meanScore = "mean_score"
        }
    }

    /// Scores the open and pool leads (of one batch when given) with the newest model, in one
    /// transaction.
    public func apply(_ db: AppDatabase, batch: Int64?) throws -> ApplyResult {
        try db.transaction { db in try apply(db, batch: batch) }
    }

    /// The scoring, inside the caller's transaction.
    public func apply(_ db: Database, batch: Int64?) throws -> ApplyResult {
        guard let stored = try Self.newest(db) else {
            throw CallOpsError.refused("leads score apply: no model yet; train one first with `callops leads score train`")
        }
        if let batch, try !LeadBatchRecord.exists(db, key: batch) {
            throw CallOpsError.notFound(kind: "batch", key: String(batch), hint: "see `callops leads stats` for batch ids")
        }
        let read = try Self.readLeads(db, whereSQL: "lead.status IN ('open', 'pool') AND (?1 IS NULL OR lead.batch_id = ?1)", arguments: [batch])
        let model = stored.model
        let plan = model.encoder.plan(for: read.table)
        let absent = model.encoder.absentColumnFeatures(for: read.table)
        let update = try db.cachedStatement(sql: "UPDATE lead SET propensity = ?, propensity_model_id = ? WHERE id = ?")
        var total = 0.0
        for r in 0..<read.ids.count {
            let p = model.probability(active: FeatureEncoder.encode(row: r, table: read.table, plan: plan, absent: absent))
            total += p
            try update.execute(arguments: [p, stored.id, read.ids[r]])
        }
        return ApplyResult(modelID: stored.id, scored: read.ids.count, meanScore: read.ids.isEmpty ? nil : total / Double(read.ids.count))
    }

    /// A stored model and its card.
    public struct Stored: Sendable {
        public var id: Int64
        public var card: ModelCard
        public var model: ScoringModel
    }

    /// The newest model, or nil when none was trained.
    public static func newest(_ db: Database) throws -> Stored? {
        try LeadModelRecord.all().newestFirst().fetchOne(db).map(stored)
    }

    /// The model with this id.
    public static func stored(_ db: Database, id: Int64) throws -> Stored? {
        try LeadModelRecord.fetchOne(db, key: id).map(stored)
    }

    /// A stored model with its card and weights decoded.
    static func stored(_ record: LeadModelRecord) throws -> Stored {
        let decoder = JSONDecoder(), id = record.id ?? 0
        do {
            let card = try decoder.decode(ModelCard.self, from: Data(record.card.utf8))
            let model = try decoder.decode(ScoringModel.self, from: Data(record.model.utf8))
            return Stored(id: id, card: card, model: model)
        } catch {
            throw CallOpsError.refused("lead_model row \(id): column card or model does not decode (\(error)); retrain with `callops leads score train`")
        }
    }

    /// A warning for `daily` when the newest model is older than `leads.max_model_age_days`.
    public func staleModelWarning(_ db: Database) throws -> String? {
        // A training time that does not read was no warning at all; now it is the named error.
        guard let newest = try LeadModelRecord.all().newestFirst().fetchOne(db) else { return nil }
        let trainedAt = newest.trainedAt
        let trained = try StoredValue.time(trainedAt, clock: clock, table: LeadModelRecord.databaseTableName, column: "trained_at", id: newest.id ?? 0)
        let days = Int(clock.now.timeIntervalSince(trained) / 86_400)
        guard days > settings.leads.maxModelAgeDays else { return nil }
        return "warning: the lead-scoring model was trained \(days) days ago (\(trainedAt)), more than leads.max_model_age_days = "
            + "\(settings.leads.maxModelAgeDays); retrain with `callops leads score train` and `callops leads score apply`"
    }

    /// A = 3, B = 2, C = 1: the rule grades as a ranking.
    static func gradeRank(_ grade: String) -> Int { ["A": 3, "B": 2, "C": 1][grade] ?? 0 }

    /// Leads as scoring sees them: their own fields under Chinese names, the batch's source and
    /// every extra column of the import file.
    static func readLeads(_ db: Database, whereSQL: String, arguments: StatementArguments) throws
        -> (table: LeadTable, ids: [Int64], statuses: [LeadStatus], grades: [LeadGrade])
    {
        var table = LeadTable()
        var ids: [Int64] = [], statuses: [LeadStatus] = [], grades: [LeadGrade] = []
        var extras: [String: [(String, String)]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT lead.id, lead.status, lead.grade, lead.age, lead.gender, lead.city, lead.occupation, lead.income_fen, lead.married,
                   lead.children, lead.extra, lead_batch.source
            FROM lead JOIN lead_batch ON lead_batch.id = lead.batch_id
            WHERE \(whereSQL)
            ORDER BY lead.id
            """, arguments: arguments)
        while let row = try rows.next() {
            // Every column through StoredValue: GRDB's subscript reads text in an integer column
            // as 0 (an age of 0, an unmarried lead), which would train and score on it unsaid.
            // By index, not by name: this loop reads every closed lead (200,000 in the benchmark).
            ids.append(try StoredValue.value(Int64.self, row, at: 0, table: "lead"))
            statuses.append(try StoredValue.value(LeadStatus.self, row, at: 1, table: "lead"))
            grades.append(try StoredValue.value(LeadGrade.self, row, at: 2, table: "lead"))
            table.addRow()
            try fill(&table, row: row, extras: &extras)
        }
        return (table, ids, statuses, grades)
    }

    /// One lead as column name → text, for `leads why`.
    static func record(_ db: Database, lead id: Int64) throws -> [String: String]? {
        let read = try readLeads(db, whereSQL: "lead.id = ?1", arguments: [id])
        return read.ids.isEmpty ? nil : read.table.row(0)
    }

    private static func fill(_ table: inout LeadTable, row: Row, extras: inout [String: [(String, String)]]) throws {
        func integer(_ index: Int) throws -> Int64? { try StoredValue.optional(Int64.self, row, at: index, table: "lead") }
        func text(_ index: Int, table: String = "lead") throws -> String? { try StoredValue.optional(String.self, row, at: index, table: table) }
        table.set(LeadTable.Field.age, try integer(3).map { String($0) })
        table.set(LeadTable.Field.gender, try text(4).map { $0 == "M" ? "男" : "女" })
        table.set(LeadTable.Field.city, try text(5))
        table.set(LeadTable.Field.occupation, try text(6))
        table.set(LeadTable.Field.income, try integer(7).map { String($0 / 100) })
        table.set(LeadTable.Field.marital, try integer(8).map { $0 != 0 ? "已婚" : "未婚" })
        table.set(LeadTable.Field.children, try integer(9).map { String($0) })
        table.set(LeadTable.Field.source, try text(11, table: "lead_batch"))
        guard let extra = try text(10) else { return }
        // Leads of one file share their columns, and many their values: parse each text once.
        if extras.count > 100_000 { extras.removeAll(keepingCapacity: true) }
        let pairs: [(String, String)]
        if let known = extras[extra] {
            pairs = known
        } else {
            let object = (try? JSONSerialization.jsonObject(with: Data(extra.utf8))) as? [String: Any] ?? [:]
            pairs = object.keys.sorted().compactMap { key in (object[key] as? String).map { (key, $0) } ?? (object[key] as? NSNumber).map { (key, $0.stringValue) } }
            extras[extra] = pairs
        }
        // A file column named like one of the lead's own fields (a vendor's 来源) is a feature of
        // its own: it never takes the place of the batch's source.
        for (name, value) in pairs { table.set(builtIn.contains(name) ? name + " (文件列)" : name, value) }
    }

    /// The names of the lead's own fields as features.
    private static let builtIn: Set<String> = [
        LeadTable.Field.age, LeadTable.Field.gender, LeadTable.Field.city, LeadTable.Field.occupation, LeadTable.Field.income,
        LeadTable.Field.marital, LeadTable.Field.children, LeadTable.Field.source,
    ]
}
