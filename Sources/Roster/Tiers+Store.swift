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

extension Roster {
    /// Every agent's tier for `day`, by agent id: the one tier rule (`TierRule.resolve`) over the
    /// roster, the review ranks and the assessment month's sales.
    /// - Parameters:
    ///   - agents: the agents to resolve (default: the whole roster).
    public static func tiers(
        _ db: Database, on day: CivilDay, rules: Settings.RosterRules, agents: [Agent]? = nil
    ) throws -> [Int64: ResolvedTier] {
        let agents = try agents ?? Roster.agents(db)
        var reviews: [Int64: ReviewRank] = [:]
        // The latest review up to the day's month wins: ordered by month, later ones overwrite.
        let rows = try TierReviewRecord.filter(TierReviewRecord.Columns.month <= day.civilMonth)
            .order(TierReviewRecord.Columns.agentID, TierReviewRecord.Columns.month).fetchCursor(db)
        while let review = try rows.next() {
            reviews[review.agentID] = ReviewRank(month: review.month, tier: review.tier)
        }
        let sales = try monthSales(db, month: TierRule.assessmentMonth(for: day), asOf: day)
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
    public static func tier(_ db: Database, agent: Agent, on day: CivilDay, rules: Settings.RosterRules) throws -> ResolvedTier {
        try tiers(db, on: day, rules: rules, agents: [agent])[agent.id]!
    }

    /// Each agent's policies issued in `month` and not cancelled in free-look by the end of
    /// `asOf`, with their first-year commission (stored at sale by the product's rate).
    ///
    /// Crosses a module: `policy` belongs to FollowUp, which stands on Roster, so Roster cannot
    /// call it. One grouped query per resolution (an index range on `sold_at`), not one per agent.
    /// A database without the sales module's tables has no sales.
    static func monthSales(_ db: Database, month: CivilMonth, asOf: CivilDay) throws -> [Int64: MonthSales] {
        guard try db.tableExists("policy") else { return [:] }
        var sales: [Int64: MonthSales] = [:]
        // cross-module SQL: not a measured path but the dependency direction (FollowUp stands on
        // Roster); one grouped query per resolution, the way every tier in the center is worked out.
        let rows = try Row.fetchCursor(db, sql: """
            SELECT agent_id, COUNT(*) AS policies, SUM(commission_fen) AS fyc, MIN(id) AS id,
                   MIN(CASE WHEN typeof(commission_fen) <> 'integer' THEN id END) AS bad_id,
                   MIN(CASE WHEN typeof(commission_fen) <> 'integer' THEN CAST(commission_fen AS TEXT) END) AS bad_value FROM policy
            WHERE sold_at >= ? AND sold_at < ? AND NOT (status = 'cancelled' AND COALESCE(cancelled_at, '') < ?)
            GROUP BY agent_id
            """, arguments: [month.firstDay.description, month.adding(months: 1).firstDay.description, asOf.adding(days: 1).description])
        while let row = try rows.next() {
            // SUM reads a text commission as 0 (a lower tier) and traps GRDB on a fraction: the named error.
            if let bad = try StoredValue.optionalInt64(row, "bad_id", table: "policy") {
                throw StoredValueError(table: "policy", row: String(bad), column: "commission_fen", value: StoredValue.text(row, "bad_value"),
                                       expected: "an amount in fen (a whole number)")
            }
            sales[try StoredValue.int64(row, "agent_id", table: "policy")] = MonthSales(
                policies: Int(try StoredValue.int64(row, "policies", table: "policy")), fyc: Money(fen: try StoredValue.int64(row, "fyc", table: "policy")))
        }
        return sales
    }

    /// Records every agent's tier for `day` in the tier history (the month's row, as of `day`);
    /// agents who have left, or are not hired yet, are not recorded. Returns how many rows were written.
    @discardableResult
    public static func recordTiers(_ db: Database, on day: CivilDay, rules: Settings.RosterRules) throws -> Int {
        let agents = try Roster.agents(db).filter { agent in
            try agent.status != .left && StoredValue.day(agent.hireDate, table: "agent", column: "hire_date", id: agent.id) <= day
        }
        let tiers = try tiers(db, on: day, rules: rules, agents: agents)
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
