import CallOpsCore
import CallOpsStore
import Foundation

/// One agent's stored 3:3:1 targets for one month (seed 001), as the seat report reads them.
public struct MonthTargets: Equatable, Sendable {
    public var premium: Money
    public var sales: Int
    public var proposals: Int
    public var effectiveCalls: Int
    public var dailyEffectiveCalls: Int

    public init(premium: Money, sales: Int, proposals: Int, effectiveCalls: Int, dailyEffectiveCalls: Int) {
        self.premium = premium
        self.sales = sales
        self.proposals = proposals
        self.effectiveCalls = effectiveCalls
        self.dailyEffectiveCalls = dailyEffectiveCalls
    }
}

/// An agent's targets for a report's period: each month's target × the period's working days in
/// that month / the month's working days, summed over the months it touches (SPEC section 8).
public struct PeriodTargets: Equatable, Sendable {
    public var effectiveCalls: Double
    public var proposals: Double
    public var sales: Double
    public var premium: Money
    /// Effective calls a working day, each month's daily target weighted by the period's working
    /// days in it (5 days at 5 and 5 at 8 is 6.5): compared with the period's effective calls
    /// per working day.
    public var dailyEffectiveCalls: Double

    public init(effectiveCalls: Double, proposals: Double, sales: Double, premium: Money, dailyEffectiveCalls: Double) {
        self.effectiveCalls = effectiveCalls
        self.proposals = proposals
        self.sales = sales
        self.premium = premium
        self.dailyEffectiveCalls = dailyEffectiveCalls
    }

    /// Prorates `months` over `shares`; a month without stored targets adds nothing, and an
    /// agent with none in any month the period touches has no targets (nil, not zero).
    public static func prorate(_ months: [CivilMonth: MonthTargets], shares: [WorkingDays.MonthShare]) -> PeriodTargets? {
        var result: PeriodTargets?
        var dailyCalls = 0, days = 0
        for share in shares {
            guard let m = months[share.month] else { continue }
            let f = share.fraction
            var t = result ?? PeriodTargets(effectiveCalls: 0, proposals: 0, sales: 0, premium: .zero, dailyEffectiveCalls: 0)
            t.effectiveCalls += Double(m.effectiveCalls) * f
            t.proposals += Double(m.proposals) * f
            t.sales += Double(m.sales) * f
            // Whole fen, rounded per month: 2,000.00 × 5/21 is 476.19.
            t.premium += Money(fen: Int64((Double(m.premium.fen) * f).rounded()))
            dailyCalls += m.dailyEffectiveCalls * share.days
            days += share.days
            t.dailyEffectiveCalls = days > 0 ? Double(dailyCalls) / Double(days) : Double(m.dailyEffectiveCalls)
            result = t
        }
        return result
    }
}

extension Planning {
    /// Each agent's stored targets for `months`. Rows stored before proposals and the daily
    /// target were kept derive them as `plan targets` does: proposals = sales × proposals per
    /// sale; daily = ⌈⌈monthly effective calls / weeks⌉ / working days a week⌉.
    public static func monthTargets(_ db: Database, months: [CivilMonth], rules: Settings.PlanningRules) throws -> [Int64: [CivilMonth: MonthTargets]] {
        guard !months.isEmpty else { return [:] }
        var result: [Int64: [CivilMonth: MonthTargets]] = [:]
        let marks = Array(repeating: "?", count: months.count).joined(separator: ",")
        for row in try Row.fetchAll(db, sql: """
            SELECT agent_id || ' ' || month AS id, agent_id, month, monthly_premium_fen, monthly_sales, monthly_effective_calls,
                   monthly_proposals, daily_effective_calls
            FROM activity_target WHERE month IN (\(marks))
            """, arguments: StatementArguments(months.map(\.description))) {
            let table = "activity_target"
            let agent = try StoredValue.int64(row, "agent_id", table: table)
            let month = try StoredValue.month(row["month"], table: table, column: "month", id: row["id"] as String)
            let sales = try StoredValue.count(row, "monthly_sales", table: table)
            let effective = try StoredValue.count(row, "monthly_effective_calls", table: table)
            let weekly = (effective + max(1, rules.weeksPerMonth) - 1) / max(1, rules.weeksPerMonth)
            let daily = (weekly + max(1, rules.workdaysPerWeek) - 1) / max(1, rules.workdaysPerWeek)
            let proposals = try StoredValue.value(Int?.self, row, "monthly_proposals", table: table, expected: "an integer or NULL")
            let dailyTarget = try StoredValue.value(Int?.self, row, "daily_effective_calls", table: table, expected: "an integer or NULL")
            result[agent, default: [:]][month] = MonthTargets(
                premium: try StoredValue.money(row, "monthly_premium_fen", table: table), sales: sales,
                proposals: proposals ?? sales * rules.proposalsPerSale, effectiveCalls: effective, dailyEffectiveCalls: dailyTarget ?? daily)
        }
        return result
    }
}
