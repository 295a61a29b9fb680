import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import Roster

extension SeatReportBuilder {
    /// The center's report and each team's own (the nightly batch's pages), from one read of the
    /// period: each team's report is the center's cut to its agents, with its days summed from
    /// the agents' days, so a center of 500 teams reads its calls twice, not 500 times. Each
    /// team's report equals `build(... team: name ...)`.
    public func teamReports(_ db: Database, from: Date, to: Date, previous: (from: Date, to: Date)?) throws
        -> (center: SeatReport, teams: [(team: String, report: SeatReport)])
    {
        let center = try build(db, from: from, to: to, team: nil, withDays: true, previous: previous)
        let perAgentDay = try ActivityFigures.perAgentDay(db, from: center.from, to: center.to)
        let ids = Dictionary(try Roster.agents(db).map { ($0.code, $0.id) }, uniquingKeysWith: { a, _ in a })
        var result: [(String, SeatReport)] = []
        let seatCounts = try Roster.seatCountsByTeam(db)
        let agentsOf = Dictionary(grouping: center.agents, by: \.team)
        for name in try Roster.teams(db) {
            let seats = seatCounts[name] ?? (0, 0)
            let empty = TeamFigures(team: name, seats: seats.seats, occupiedSeats: seats.occupied)
            let agents = agentsOf[name] ?? []
            var days: [String: DayActivity] = [:]
            for agent in agents {
                for (day, d) in ids[agent.agentCode].flatMap({ perAgentDay[$0] }) ?? [:] {
                    var sum = days[day] ?? .empty(day)
                    sum.dials += d.dials
                    sum.contacts += d.contacts
                    sum.effectiveCalls += d.effectiveCalls
                    sum.sales += d.sales
                    sum.premium += d.premium
                    days[day] = sum
                }
            }
            let teams = center.teams.filter { $0.team == name }.nonEmpty ?? [empty]
            let earlier = center.previous.map { p in
                let before = p.teams.filter { $0.team == name }.nonEmpty ?? [empty]
                return SeatComparison(from: p.from, to: p.to, teams: before, center: TeamFigures.total(of: before, name: "center"))
            }
            result.append((name, SeatReport(from: center.from, to: center.to, agents: agents, teams: teams,
                                            days: trend(Array(days.values), from: from, to: to),
                                            center: TeamFigures.total(of: teams, name: "center"), tiers: TierFigures.of(agents), previous: earlier, daysCounted: true)))
        }
        return (center, result)
    }

    /// The days of [from, to) for the trend: every working day, with or without calls, and a
    /// day off when someone worked it.
    func trend(_ counted: [DayActivity], from: Date, to: Date) -> [DayActivity] {
        let calendar = settings.planning.workingCalendar
        let byDay = Dictionary(counted.map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        var days: [DayActivity] = []
        var day = clock.civilDay(from)
        let last = clock.civilDay(max(from, to.addingTimeInterval(-1)))
        while day <= last {
            if let found = byDay[day.description] { days.append(found) } else if calendar.isWorking(day) { days.append(.empty(day.description)) }
            day = day.adding(days: 1)
        }
        return days
    }
}

extension Array {
    /// Nil for an empty array.
    fileprivate var nonEmpty: [Element]? { isEmpty ? nil : self }
}
