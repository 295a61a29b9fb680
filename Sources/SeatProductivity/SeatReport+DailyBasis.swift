import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation

extension SeatReportBuilder {
    /// Each agent's basis for the calls-per-day attainment: the working days of the period that
    /// fall in months carrying a target of theirs, and the effective calls made on those months'
    /// days. A month without a target adds neither days nor calls (SPEC section 8: a period's
    /// target sums the months it touches; one with no target sets none), so an October without
    /// a target does not dilute November's daily figure. Agents without any target are left out.
    /// The calls are counted per month only for an agent whose targets cover some of the
    /// period's months but not all; otherwise the period's own count is the answer.
    func dailyBasis(_ db: Database, targets: [Int64: [CivilMonth: MonthTargets]], shares: [WorkingDays.MonthShare],
                    from: Date, to: Date, activity: [Int64: AgentActivity]) throws -> [Int64: (calls: Int, days: Int)] {
        var result: [Int64: (calls: Int, days: Int)] = [:]
        var perMonth: [CivilMonth: [Int64: AgentActivity]] = [:]
        for (agent, months) in targets {
            let targeted = shares.filter { months[$0.month] != nil }
            guard !targeted.isEmpty else { continue }
            let days = targeted.reduce(0) { $0 + $1.days }
            guard targeted.count < shares.count else {
                result[agent] = (activity[agent]?.effectiveCalls ?? 0, days)
                continue
            }
            var calls = 0
            for share in targeted {
                if perMonth[share.month] == nil {
                    // The month's part of the period: [max(from, its first day), min(to, the next month's first day)).
                    let start = clock.parseDay(share.month.firstDay.description).map { max(from, $0) } ?? from
                    let end = clock.parseDay(share.month.adding(months: 1).firstDay.description).map { min(to, $0) } ?? to
                    perMonth[share.month] = try ActivityFigures.perAgent(db, from: clock.timestamp(start), to: clock.timestamp(end))
                }
                calls += perMonth[share.month]?[agent]?.effectiveCalls ?? 0
            }
            result[agent] = (calls, days)
        }
        return result
    }
}
