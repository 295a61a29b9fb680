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
        for record in try ActivityTargetRecord.filter(months.contains(ActivityTargetRecord.Columns.month)).fetchAll(db) {
            result[record.agentID, default: [:]][record.month] = try record.targets(rules: rules)
        }
        return result
    }
}
