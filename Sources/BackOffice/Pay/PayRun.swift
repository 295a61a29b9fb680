import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import Roster

/// One agent's month in a pay run.
public struct PayStatement: Encodable, Equatable, Sendable {
    public var agentCode: String
    public var name: String
    public var team: String
    public var tier: Tier
    public var lines: [PayLine]
    /// The rank and days the month was judged on (stored with the run).
    var basis: PayRun.Basis?

    public var total: Money { PayPlan.total(lines) }
    public var variableShare: Double? { PayPlan.variableShare(lines) }
    public func sum(_ kind: PayLineKind) -> Money { lines.filter { $0.kind == kind }.reduce(Money.zero) { $0 + $1.amount } }

    enum CodingKeys: String, CodingKey {
        case agentCode = "agent_code", name, team, tier, lines, total
        case variableShare = "variable_share"
    }

    /// The line kinds in the order of the run's columns: what is earned, then what corrects it.
    public static let kindColumns: [PayLineKind] = [.base, .commission, .tierBonus, .sellingBonus, .clawback, .campaign, .override, .adjustment]

    /// Each line kind's sum, keyed by the kind (SPEC section 13's names): the table's and the
    /// CSV's columns, which add up to `total`.
    struct KindKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agentCode, forKey: .agentCode)
        try c.encode(name, forKey: .name)
        try c.encode(team, forKey: .team)
        try c.encode(tier, forKey: .tier)
        try c.encode(lines, forKey: .lines)
        var kinds = encoder.container(keyedBy: KindKey.self)
        for kind in Self.kindColumns {
            try kinds.encode(sum(kind).yuan, forKey: KindKey(stringValue: kind.rawValue))
        }
        try c.encode(total.yuan, forKey: .total)
        try c.encode(variableShare, forKey: .variableShare)
    }
}

/// A month's pay run.
public struct PayRunResult: Encodable, Equatable, Sendable {
    public var month: String
    public var status: String
    public var statements: [PayStatement]
    /// The center's variable share of pay, and whether it is outside the plan's band.
    public var variableShare: Double?
    public var outsideBand: Bool

    enum CodingKeys: String, CodingKey {
        case month, status, statements
        case variableShare = "variable_share"
        case outsideBand = "outside_band"
    }
}

/// One agent at the quarter's review.
public struct ReviewRow: Encodable, Equatable, Sendable {
    public var agentCode: String
    public var name: String
    public var team: String
    public var tier: Tier
    public var quarterFYC: Money
    public var keep: Money
    public var next: Money?
    public var verdict: ReviewVerdict

    enum CodingKeys: String, CodingKey {
        case agentCode = "agent_code", name, team, tier, keep, next, verdict
        case quarterFYC = "quarter_fyc"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agentCode, forKey: .agentCode)
        try c.encode(name, forKey: .name)
        try c.encode(team, forKey: .team)
        try c.encode(tier, forKey: .tier)
        try c.encode(quarterFYC.yuan, forKey: .quarterFYC)
        try c.encode(keep.yuan, forKey: .keep)
        try c.encode(next?.yuan, forKey: .next)
        try c.encode(verdict, forKey: .verdict)
    }
}

/// `callops pay`: monthly runs stored per agent and line, finalised months locked, later changes
/// to a finalised month paid as adjustments in the next run.
public struct PayRun {
    public static let migrations: [Migration] = FollowUpSchema.migrations + [
        Migration("pay.v1") { db in
            try db.execute(sql: """
                CREATE TABLE pay_run (
                    month TEXT PRIMARY KEY,
                    status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
                    run_at TEXT NOT NULL,
                    finalized_at TEXT,
                    -- What the run paid in all: the lines must sum to it (`callops check`).
                    total_fen INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE pay_line (
                    id INTEGER PRIMARY KEY,
                    month TEXT NOT NULL REFERENCES pay_run(month),
                    agent_id INTEGER NOT NULL REFERENCES agent(id),
                    kind TEXT NOT NULL CHECK (kind IN ('base', 'commission', 'tier_bonus', 'selling_bonus', 'clawback', 'adjustment')),
                    amount_fen INTEGER NOT NULL,
                    detail TEXT NOT NULL,
                    for_month TEXT
                );
                CREATE INDEX pay_line_month ON pay_line(month, agent_id);
                -- What each agent's month was judged on, beyond the sales: the rank and the days
                -- employed. A finalised month recomputed later keeps them, so a later promotion or
                -- departure never re-prices a month already paid.
                CREATE TABLE pay_basis (
                    month TEXT NOT NULL REFERENCES pay_run(month),
                    agent_id INTEGER NOT NULL REFERENCES agent(id),
                    tier TEXT NOT NULL CHECK (tier IN ('new', 'general', 'core', 'top')),
                    employed_days INTEGER NOT NULL,
                    month_days INTEGER NOT NULL,
                    PRIMARY KEY (month, agent_id)
                ) WITHOUT ROWID;
                -- A finalised month is locked: its run, its lines and its basis.
                CREATE TRIGGER pay_run_final_update BEFORE UPDATE ON pay_run WHEN OLD.status = 'final'
                    BEGIN SELECT RAISE(ABORT, 'a finalised pay month is locked'); END;
                CREATE TRIGGER pay_run_final_delete BEFORE DELETE ON pay_run WHEN OLD.status = 'final'
                    BEGIN SELECT RAISE(ABORT, 'a finalised pay month is locked'); END;
                """)
            for table in ["pay_line", "pay_basis"] {
                for (operation, row) in [("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_final_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                            WHEN (SELECT status FROM pay_run WHERE month = \(row).month) = 'final'
                            BEGIN SELECT RAISE(ABORT, 'a finalised pay month is locked'); END
                        """)
                }
            }
        },
        lineKindsMigration,
        // The CHECKs' IN lists as equalities, which SQLite tests in place (measured in
        // `CheckConstraints.writeEqualities`).
        Migration("pay.check-equalities", changesRows: false) { db in
            try CheckConstraints.writeEqualities(db, tables: ["pay_run", "pay_line", "pay_basis"])
        },
    ]

    /// What must always hold of pay (SPEC section 12).
    public static let invariants: [Invariant] = [
        Invariant("pay lines sum to their run's total", violationsSQL: """
            SELECT 'pay ' || pay_run.month || ': lines sum to ' || COALESCE(SUM(pay_line.amount_fen), 0) || ' fen, the run to ' || pay_run.total_fen
            FROM pay_run LEFT JOIN pay_line ON pay_line.month = pay_run.month
            GROUP BY pay_run.month HAVING COALESCE(SUM(pay_line.amount_fen), 0) <> pay_run.total_fen
            """),
    ]

    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    var today: CivilDay { clock.civilToday }

    /// Runs the pay of the month holding `month` (its draft replaced), or finalises it: a final
    /// run is the same computation, then locked. Adjustments for earlier finalised months are
    /// added to the lines.
    public func run(_ db: Database, month: CivilDay, finalize: Bool) throws -> PayRunResult {
        let first = month.firstOfMonth
        let last = first.adding(months: 1).adding(days: -1)
        guard first <= today else {
            throw CallOpsError.invalidValue(field: "--month", value: first.monthText, expected: "this month (\(today.monthText)) or an earlier one")
        }
        let runMonth = first.civilMonth
        if let existing = try PayRunRecord.fetchOne(db, key: runMonth), existing.status == .final {
            throw CallOpsError.refused("\(first.monthText) was finalised on \(existing.finalizedAt ?? "?") and is locked; later changes are paid as adjustments in the next month's run")
        }
        if finalize {
            guard last < today else {
                throw CallOpsError.refused("\(first.monthText) is not over until \(last); run it as a draft until then")
            }
            if let draft = try PayRunRecord.filter(PayRunRecord.Columns.month < runMonth && PayRunRecord.Columns.status == PayRunStatus.draft)
                .order(PayRunRecord.Columns.month).fetchOne(db)?.month {
                throw CallOpsError.refused("\(draft) is still a draft; finalise the months in order")
            }
        }
        var statements = try compute(db, month: first, basis: nil)
        // Adjustments: each finalised month recomputed now, on the basis it was paid on, against
        // what was paid for it since.
        let finals = try PayRunRecord.filter(PayRunRecord.Columns.status == PayRunStatus.final && PayRunRecord.Columns.month < runMonth)
            .order(PayRunRecord.Columns.month).fetchAll(db).map(\.month)
        for finalMonth in finals {
            let final = finalMonth.description
            let basis = try Dictionary(uniqueKeysWithValues: PayBasisRecord.filter(PayBasisRecord.Columns.month == finalMonth).fetchAll(db).map {
                ($0.agentID, try $0.basis())
            })
            let recomputed = try compute(db, month: finalMonth.firstDay, basis: basis)
            // What was paid for the month: a SUM per agent over its lines and its adjustments, one statement.
            let paid = try Row.fetchAll(db, sql: """
                SELECT pay_line.agent_id, SUM(pay_line.amount_fen) AS paid, MIN(pay_line.id) AS id,
                       MIN(CASE WHEN typeof(pay_line.amount_fen) <> 'integer' THEN pay_line.id END) AS bad_id FROM pay_line
                JOIN pay_run ON pay_run.month = pay_line.month AND pay_run.status = 'final'
                WHERE (pay_line.month = ? AND pay_line.for_month IS NULL) OR pay_line.for_month = ?
                GROUP BY pay_line.agent_id
                """, arguments: [final, final])
            let codes = Dictionary(uniqueKeysWithValues: try Roster.agents(db).map { ($0.id, $0.code) })
            var owed: [String: Int64] = Dictionary(uniqueKeysWithValues: try paid.compactMap { row in
                try PayCost.badAmount(db, row)
                let paid = try StoredValue.int64(row, "paid", table: "pay_line")
                return codes[try StoredValue.int64(row, "agent_id", table: "pay_line")].map { ($0, -paid) }
            })
            for statement in recomputed {
                owed[statement.agentCode, default: 0] += PayPlan.total(statement.lines.filter { $0.kind != .adjustment }).fen
            }
            for (code, difference) in owed.sorted(by: { $0.key < $1.key }) where difference != 0 {
                let line = PayLine(kind: .adjustment, amount: Money(fen: difference), detail: "\(final) recomputed after it was finalised", forMonth: final)
                if let i = statements.firstIndex(where: { $0.agentCode == code }) {
                    statements[i].lines.append(line)
                } else {
                    let agent = try Roster.agent(db, code: code)
                    let tier = try Roster.tier(db, agent: agent, on: rankDay(first), rules: settings.roster, sales: Sales.tierSales).tier
                    statements.append(PayStatement(agentCode: code, name: agent.name, team: agent.team, tier: tier, lines: [line], basis: nil))
                }
            }
        }
        statements.removeAll { $0.lines.isEmpty }
        // Written as a draft, then finalised: the lock triggers refuse any write to a final month.
        _ = try PayLineRecord.filter(PayLineRecord.Columns.month == runMonth).deleteAll(db)
        _ = try PayBasisRecord.filter(PayBasisRecord.Columns.month == runMonth).deleteAll(db)
        try PayRunRecord(month: runMonth, status: .draft, runAt: clock.nowTimestamp, total: PayPlan.total(statements.flatMap(\.lines))).save(db)
        for statement in statements {
            let agentID = try Roster.agent(db, code: statement.agentCode).id
            for line in statement.lines {
                var record = try PayLineRecord(month: runMonth, agentID: agentID, line: line)
                try record.insert(db)
            }
            if let basis = statement.basis {
                try PayBasisRecord(month: runMonth, agentID: agentID, basis: basis).insert(db)
            }
        }
        // The history holds a month's tier as of a day that has come: today while the month runs
        // (a draft ranks on the last day, which the history gets once that day has passed).
        try Roster.recordTiers(db, on: min(last, today), rules: settings.roster, sales: Sales.tierSales)
        if finalize {
            _ = try PayRunRecord.filter(key: runMonth).updateAll(db, PayRunRecord.Columns.status.set(to: PayRunStatus.final),
                                                              PayRunRecord.Columns.finalizedAt.set(to: clock.nowTimestamp))
        }
        let all = statements.flatMap(\.lines)
        let share = PayPlan.variableShare(all)
        let outside = share.map { $0 < settings.pay.variableShareMin || $0 > settings.pay.variableShareMax } ?? false
        return PayRunResult(month: first.monthText, status: finalize ? "final" : "draft", statements: statements, variableShare: share, outsideBand: outside)
    }

    /// The day a month's rank is taken on: its last day, whenever the run happens (README: a
    /// draft mid-month pays the base the final run will). The one tier rule gives that day's
    /// tier in advance (the assessment month before it, the 30 `new` days from the hire date, the
    /// roster's and the reviews' ranks); roster list shows today's, which may differ mid-month.
    public static func rankDay(month first: CivilDay) -> CivilDay {
        first.firstOfMonth.adding(months: 1).adding(days: -1)
    }

    func rankDay(_ first: CivilDay) -> CivilDay { Self.rankDay(month: first) }

    /// What an agent's month is judged on besides the sales.
    struct Basis: Equatable, Sendable {
        var tier: Tier
        var employedDays: Int
        var monthDays: Int
    }

    /// Every agent's statement for the month, from the data as it stands (nothing stored). A
    /// policy counts as kept when it was not cancelled within the month: a later cancellation is
    /// that month's clawback, so it never changes a month already paid. With `basis` (a
    /// finalised month), each agent in it keeps the rank and days it was paid on, and only they
    /// and agents with sales or clawbacks in the month are counted.
    func compute(_ db: Database, month first: CivilDay, basis: [Int64: Basis]?) throws -> [PayStatement] {
        let next = first.adding(months: 1)
        let last = next.adding(days: -1)
        try Sales.verifyAggregatedColumns(db)  // SUM reads a text amount as 0: the named error instead
        let sold = try Sales.commissionSold(db, from: first.description, to: next.description)
        let clawed = try Sales.commissionCancelled(db, from: first.description, to: next.description)
        let persistency = try Renewals(settings: settings, clock: clock).persistency(db, month: first)
        let tenures = try Roster.tenures(db)
        let agents = try Roster.agents(db)
        // The rank for the month (SPEC section 4): the one tier rule, on the month's last day
        // (the assessment month before it), never the month's own sales.
        let tiers = try Roster.tiers(db, on: rankDay(first), rules: settings.roster, agents: agents, sales: Sales.tierSales)
        func rank(_ agent: Agent) -> Tier { tiers[agent.id]?.tier ?? .general }
        let teamFYC = Self.teamFYC(agents.map { ($0.id, $0.team) }, sold: sold.mapValues(\.fyc), clawed: clawed)
        let campaigns = try campaignLines(db, month: first, agents: agents)
        var statements: [PayStatement] = []
        for agent in agents {
            let (fyc, kept) = sold[agent.id] ?? (0, 0)
            let clawback = clawed[agent.id] ?? 0
            let judged: Basis
            if let basis {
                guard let known = basis[agent.id] else {
                    // Not paid that month: only sales recorded since bring the agent in, with no base.
                    if fyc == 0 && clawback == 0 { continue }
                    judged = Basis(tier: rank(agent), employedDays: 0, monthDays: first.days(to: next))
                    statements.append(statement(agent, judged, fyc: fyc, clawback: clawback, kept: kept, persistency: persistency, stored: false,
                                                campaign: campaigns[agent.id] ?? []))
                    continue
                }
                judged = known
            } else {
                let hired = try StoredValue.day(agent.hireDate, table: "agent", column: "hire_date", id: agent.id)
                guard hired <= last else { continue }
                // A leaver is paid up to the day before left_on; one marked `left` before leaving
                // days were recorded, nothing.
                let leftOn = tenures[agent.id]?.leftOn
                let employed = agent.status == .left && leftOn == nil ? 0 : PayPlan.employedDays(month: first, hired: hired, leftOn: leftOn)
                if agent.status == .left && employed == 0 && fyc == 0 && clawback == 0 && campaigns[agent.id] == nil { continue }
                judged = Basis(tier: rank(agent), employedDays: employed, monthDays: first.days(to: next))
            }
            let isLead = tenures[agent.id]?.role == .lead && judged.employedDays > 0
            statements.append(statement(agent, judged, fyc: fyc, clawback: clawback, kept: kept, persistency: persistency, stored: true,
                                        teamFYC: isLead ? teamFYC(agent.id) : nil, campaign: campaigns[agent.id] ?? []))
        }
        return statements
    }

    private func statement(_ agent: Agent, _ basis: Basis, fyc: Int64, clawback: Int64, kept: Int, persistency: [Int64: Double], stored: Bool,
                           teamFYC: Money? = nil, campaign: [PayLine] = []) -> PayStatement {
        var inputs = PayInputs(tier: basis.tier, fyc: Money(fen: fyc), clawback: Money(fen: clawback), policiesKept: kept,
                               persistency: persistency[agent.id],
                               baseDays: (basis.employedDays, basis.monthDays))
        inputs.teamFYC = teamFYC
        return PayStatement(agentCode: agent.code, name: agent.name, team: agent.team, tier: basis.tier,
                            lines: PayPlan.lines(inputs, rules: settings.pay) + campaign, basis: stored ? basis : nil)
    }

    /// An agent's stored slip for a month.
    public func slip(_ db: Database, agent code: String, month: CivilDay) throws -> PaySlip {
        let first = month.firstOfMonth
        guard let status = try PayRunRecord.fetchOne(db, key: first.civilMonth)?.status.rawValue else {
            throw CallOpsError.notFound(kind: "pay run", key: first.monthText, hint: "run it first: `callops pay run --month \(first.monthText)`")
        }
        let agent = try Roster.agent(db, code: code)
        let lines = try PayLineRecord.filter(PayLineRecord.Columns.month == first.civilMonth && PayLineRecord.Columns.agentID == agent.id)
            .order(PayLineRecord.Columns.id).fetchAll(db).map { try $0.line() }
        // The rank and days the month was paid on; an agent with only adjustments has none stored.
        // A final run keeps the rank it paid; a draft shows the rank the tier rule gives now for
        // the month's last day (a free-look cancellation after the draft changes it; the draft's
        // stored rank would be stale).
        let stored = try PayBasisRecord.filter(PayBasisRecord.Columns.month == first.civilMonth && PayBasisRecord.Columns.agentID == agent.id)
            .fetchOne(db)?.basis()
        let paid = stored?.tier
        let tier = try (status == "final" ? paid : nil) ?? Roster.tier(db, agent: agent, on: rankDay(first), rules: settings.roster, sales: Sales.tierSales).tier
        return PaySlip(status: status, month: first.civilMonth, daysEmployed: stored?.employedDays ?? 0,
                       statement: PayStatement(agentCode: agent.code, name: agent.name, team: agent.team, tier: tier, lines: lines, basis: nil))
    }

    /// The quarter's promotion and demotion warnings: FYC of the quarter's policies (less its
    /// free-look cancellations) against each rank's thresholds.
    public func review(_ db: Database, quarter first: CivilDay) throws -> [ReviewRow] {
        let next = first.adding(months: 3)
        try Sales.verifyAggregatedColumns(db)
        let fyc = try Sales.commissionKept(db, from: first.description, to: next.description)
        let agents = try Roster.agents(db).filter { $0.status != .left }
        // The rank held at the quarter's end (today for a quarter in progress) is what is reviewed.
        let tiers = try Roster.tiers(db, on: min(next.adding(days: -1), today), rules: settings.roster, agents: agents, sales: Sales.tierSales)
        return agents.map { agent in
            let (amount, _) = fyc[agent.id] ?? (0, 0)
            let tier = tiers[agent.id]!.tier
            let nextTier = Tier.allCases.first { $0 > tier }
            return ReviewRow(agentCode: agent.code, name: agent.name, team: agent.team, tier: tier, quarterFYC: Money(fen: amount),
                             keep: Money(yuan: settings.pay.keepQuarterFYC[tier]), next: nextTier.map { Money(yuan: settings.pay.keepQuarterFYC[$0]) },
                             verdict: PayPlan.review(tier: tier, quarterFYC: Money(fen: amount), rules: settings.pay))
        }
    }
}

extension PayStatement: TabularRow {
    public static var blank: PayStatement { PayStatement(agentCode: "", name: "", team: "", tier: .new, lines: []) }
}

extension ReviewRow: TabularRow {
    public static var blank: ReviewRow {
        ReviewRow(agentCode: "", name: "", team: "", tier: .new, quarterFYC: .zero, keep: .zero, next: .zero, verdict: .keep)
    }
}
