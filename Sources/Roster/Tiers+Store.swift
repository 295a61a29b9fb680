import CallOpsCore
import CallOpsStore
import GRDB

extension RosterSchema {
    /// The ranks pay reviews set, and the tier history: per agent and month, the tier, where it
    /// came from and why (SPEC section 4).
    static let tiersMigration = Migration("roster.tiers.v1") { db in
        try db.execute(sql: """
            CREATE TABLE tier_review (
                agent_id INTEGER NOT NULL REFERENCES agent(id),
                -- The rank holds from this month (YYYY-MM) on, until a later review.
                month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
                tier TEXT NOT NULL CHECK (tier IN ('new', 'general', 'core', 'top')),
                why TEXT NOT NULL,
                applied_at TEXT NOT NULL,
                PRIMARY KEY (agent_id, month)
            ) WITHOUT ROWID;
            CREATE TABLE tier_history (
                agent_id INTEGER NOT NULL REFERENCES agent(id),
                month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
                tier TEXT NOT NULL CHECK (tier IN ('new', 'general', 'core', 'top')),
                source TEXT NOT NULL CHECK (source IN ('roster', 'review', 'derived')),
                why TEXT NOT NULL,
                -- The day the tier was last resolved for (the month's tier as of that day).
                as_of TEXT NOT NULL,
                PRIMARY KEY (agent_id, month)
            ) WITHOUT ROWID;
            """)
    }
}

/// One month of an agent's tier history.
public struct TierHistoryEntry: Equatable, Sendable {
    public var month: CivilMonth
    public var tier: Tier
    public var source: TierSource
    public var why: String
    public var asOf: CivilDay
}

/// Each agent's sales in a tier's assessment month (policies issued in `month` and not cancelled
/// in free-look by the end of `asOf`, with their first-year commission), by agent id. The sales
/// module (FollowUp) stands on Roster, so Roster cannot read them: the caller passes FollowUp's
/// `Sales.tierSales` (or `Roster.noSales` where the sales module is absent).
public typealias TierSales = (_ db: Database, _ month: CivilMonth, _ asOf: CivilDay) throws -> [Int64: MonthSales]

extension Roster {
    /// Every agent's tier for `day`, by agent id: the one tier rule (`TierRule.resolve`) over the
    /// roster, the review ranks and the assessment month's sales.
    /// - Parameters:
    ///   - agents: the agents to resolve (default: the whole roster).
    ///   - sales: the assessment month's sales (FollowUp's `Sales.tierSales`).
    public static func tiers(
        _ db: Database, on day: CivilDay, rules: Settings.RosterRules, agents: [Agent]? = nil, sales: TierSales
    ) throws -> [Int64: ResolvedTier] {
        let agents = try agents ?? Roster.agents(db)
        var reviews: [Int64: ReviewRank] = [:]
        // The latest review up to the day's month wins: ordered by month, later ones overwrite.
        let rows = try TierReviewRecord.filter(TierReviewRecord.Columns.month <= day.civilMonth)
            .order(TierReviewRecord.Columns.agentID, TierReviewRecord.Columns.month).fetchCursor(db)
        while let review = try rows.next() {
            reviews[review.agentID] = ReviewRank(month: review.month, tier: review.tier)
        }
        let sales = try sales(db, TierRule.assessmentMonth(for: day), day)
        var result: [Int64: ResolvedTier] = [:]
        for agent in agents {
            let hired = try StoredValue.day(agent.hireDate, table: "agent", column: "hire_date", id: agent.id)
            result[agent.id] = TierRule.resolve(
                day: day, hired: hired, rosterTier: agent.rosterTier, review: reviews[agent.id],
                assessment: sales[agent.id] ?? .none, rules: rules)
        }
        return result
    }

    /// One agent's tier for `day`.
    public static func tier(_ db: Database, agent: Agent, on day: CivilDay, rules: Settings.RosterRules, sales: TierSales) throws -> ResolvedTier {
        try tiers(db, on: day, rules: rules, agents: [agent], sales: sales)[agent.id]!
    }

    /// No sales: the tiers of a database without the sales module (the roster's and the lead
    /// data's own tests); every command passes FollowUp's `Sales.tierSales`.
    public static func noSales(_ db: Database, month: CivilMonth, asOf: CivilDay) -> [Int64: MonthSales] { [:] }

    /// Records every agent's tier for `day` in the tier history (the month's row, as of `day`);
    /// agents who have left, or are not hired yet, are not recorded. Returns how many rows were written.
    @discardableResult
    public static func recordTiers(_ db: Database, on day: CivilDay, rules: Settings.RosterRules, sales: TierSales) throws -> Int {
        let agents = try Roster.agents(db).filter { agent in
            try agent.status != .left && StoredValue.day(agent.hireDate, table: "agent", column: "hire_date", id: agent.id) <= day
        }
        let tiers = try tiers(db, on: day, rules: rules, agents: agents, sales: sales)
        // A conditional upsert (a later `as_of` only), which a record's `upsert` cannot say: one
        // cached statement for every agent of the center.
        let statement = try db.cachedStatement(sql: """
            INSERT INTO tier_history (agent_id, month, tier, source, why, as_of) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (agent_id, month) DO UPDATE SET tier = excluded.tier, source = excluded.source, why = excluded.why, as_of = excluded.as_of
            WHERE excluded.as_of >= tier_history.as_of
            """)
        for agent in agents {
            let resolved = tiers[agent.id]!
            try statement.execute(arguments: [agent.id, day.civilMonth.description, resolved.tier.rawValue, resolved.source.rawValue, resolved.why, day.description])
        }
        return agents.count
    }

    /// An agent's tier history, oldest month first.
    public static func tierHistory(_ db: Database, agent code: String) throws -> [TierHistoryEntry] {
        let agent = try Roster.agent(db, code: code)
        return try TierHistoryRecord.filter(TierHistoryRecord.Columns.agentID == agent.id).order(TierHistoryRecord.Columns.month)
            .fetchAll(db).map(\.entry)
    }

    /// Sets the rank a pay review gave an agent from `month` on (`pay review --apply`).
    public static func setReviewRank(
        _ db: Database, agent code: String, month: CivilMonth, tier: Tier, why: String, at timestamp: String
    ) throws {
        let agent = try Roster.agent(db, code: code)
        try TierReviewRecord(agentID: agent.id, month: month, tier: tier, why: why, appliedAt: timestamp).save(db)
    }
}
