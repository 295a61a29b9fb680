import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// A month's activity targets from an income goal (seed 001, the 3:3:1 rule).
public struct ActivityTargets: Codable, Equatable, Sendable {
    public var annualIncome: Money
    public var monthlyFYC: Money
    public var monthlyPremium: Money
    public var monthlySales: Int
    public var monthlyProposals: Int
    public var monthlyEffectiveCalls: Int
    public var weeklyEffectiveCalls: Int
    public var dailyEffectiveCalls: Int

    enum CodingKeys: String, CodingKey {
        case annualIncome = "annual_income"
        case monthlyFYC = "monthly_fyc"
        case monthlyPremium = "monthly_premium"
        case monthlySales = "monthly_sales"
        case monthlyProposals = "monthly_proposals"
        case monthlyEffectiveCalls = "monthly_effective_calls"
        case weeklyEffectiveCalls = "weekly_effective_calls"
        case dailyEffectiveCalls = "daily_effective_calls"
    }

    /// Monthly FYC = income / 12; premium = FYC × 100 / FYC rate; sales = ⌈premium / average
    /// premium⌉; proposals = 3 × sales; effective calls = 3 × proposals; weekly = ⌈monthly / 4⌉;
    /// daily = ⌈weekly / 5⌉. For 120,000: 10,000, 33,333.33, 17, 51, 153, 39, 8.
    public static func from(annualIncome: Money, rules: Settings.PlanningRules) -> ActivityTargets {
        // The config loader keeps every rule in range (a rate from 0.1%, divisors from 1); the
        // arithmetic still cannot trap: computed in floating point, each count clamped.
        let fyc = Money(fen: annualIncome.fen / 12 + (annualIncome.fen % 12 + 6) / 12)
        let premium = Money(fenClamping: Double(fyc.fen) * 100 / max(rules.fycRatePercent, 0.1))
        let average = max(Money(yuan: rules.averagePremium).fen, 1)
        let sales = roundedUp(Double(premium.fen) / Double(average))
        let proposals = roundedUp(Double(sales) * Double(rules.proposalsPerSale))
        let effective = roundedUp(Double(proposals) * Double(rules.effectiveCallsPerProposal))
        let weekly = roundedUp(Double(effective) / Double(max(rules.weeksPerMonth, 1)))
        let daily = roundedUp(Double(weekly) / Double(max(rules.workdaysPerWeek, 1)))
        return ActivityTargets(annualIncome: annualIncome, monthlyFYC: fyc, monthlyPremium: premium, monthlySales: sales,
                               monthlyProposals: proposals, monthlyEffectiveCalls: effective, weeklyEffectiveCalls: weekly,
                               dailyEffectiveCalls: daily)
    }

    /// ⌈value⌉ as a count, clamped to 0...10^15 (not a number is 0): never traps.
    static func roundedUp(_ value: Double) -> Int {
        guard value > 0 else { return 0 }
        return value >= 1e15 ? 1_000_000_000_000_000 : Int(value.rounded(.up))
    }

    /// Money in yuan, as the JSON contract reads (SPEC section 13).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(annualIncome.yuan, forKey: .annualIncome)
        try c.encode(monthlyFYC.yuan, forKey: .monthlyFYC)
        try c.encode(monthlyPremium.yuan, forKey: .monthlyPremium)
        try c.encode(monthlySales, forKey: .monthlySales)
        try c.encode(monthlyProposals, forKey: .monthlyProposals)
        try c.encode(monthlyEffectiveCalls, forKey: .monthlyEffectiveCalls)
        try c.encode(weeklyEffectiveCalls, forKey: .weeklyEffectiveCalls)
        try c.encode(dailyEffectiveCalls, forKey: .dailyEffectiveCalls)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        annualIncome = Money(yuan: try c.decode(Double.self, forKey: .annualIncome))
        monthlyFYC = Money(yuan: try c.decode(Double.self, forKey: .monthlyFYC))
        monthlyPremium = Money(yuan: try c.decode(Double.self, forKey: .monthlyPremium))
        monthlySales = try c.decode(Int.self, forKey: .monthlySales)
        monthlyProposals = try c.decode(Int.self, forKey: .monthlyProposals)
        monthlyEffectiveCalls = try c.decode(Int.self, forKey: .monthlyEffectiveCalls)
        weeklyEffectiveCalls = try c.decode(Int.self, forKey: .weeklyEffectiveCalls)
        dailyEffectiveCalls = try c.decode(Int.self, forKey: .dailyEffectiveCalls)
    }

    init(annualIncome: Money, monthlyFYC: Money, monthlyPremium: Money, monthlySales: Int, monthlyProposals: Int,
         monthlyEffectiveCalls: Int, weeklyEffectiveCalls: Int, dailyEffectiveCalls: Int) {
        self.annualIncome = annualIncome
        self.monthlyFYC = monthlyFYC
        self.monthlyPremium = monthlyPremium
        self.monthlySales = monthlySales
        self.monthlyProposals = monthlyProposals
        self.monthlyEffectiveCalls = monthlyEffectiveCalls
        self.weeklyEffectiveCalls = weeklyEffectiveCalls
        self.dailyEffectiveCalls = dailyEffectiveCalls
    }
}

/// Targets stored per agent and month; the seat report reads them for attainment.
public enum Planning {
    public static let migrations: [Migration] = RosterSchema.migrations + [
        Migration("planning.v1") { db in
            try db.execute(sql: """
                CREATE TABLE activity_target (
                    agent_id INTEGER NOT NULL REFERENCES agent(id),
                    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
                    annual_income_fen INTEGER NOT NULL CHECK (annual_income_fen > 0),
                    monthly_premium_fen INTEGER NOT NULL,
                    monthly_sales INTEGER NOT NULL,
                    monthly_effective_calls INTEGER NOT NULL,
                    PRIMARY KEY (agent_id, month)
                ) WITHOUT ROWID;
                """)
        },
        // The seat report reads every 3:3:1 target back (SPEC section 8): proposals and the daily
        // effective calls join the stored month. Rows stored before stay NULL and are derived
        // from the planning rules when read.
        Migration("planning.v2") { db in
            try db.execute(sql: """
                ALTER TABLE activity_target ADD COLUMN monthly_proposals INTEGER CHECK (monthly_proposals >= 0);
                ALTER TABLE activity_target ADD COLUMN daily_effective_calls INTEGER CHECK (daily_effective_calls >= 0);
                """)
        },
    ]

    /// Stores (or replaces) an agent's targets for a month.
    public static func store(_ db: Database, agent code: String, month: String, targets: ActivityTargets) throws {
        guard let stored = CivilMonth(month) else {
            throw CallOpsError.invalidValue(field: "--month", value: month, expected: "a month (YYYY-MM)")
        }
        try ActivityTargetRecord(agentID: try Roster.agent(db, code: code).id, month: stored, targets: targets).insert(db)
    }
}
