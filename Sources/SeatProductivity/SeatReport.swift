import BackOffice
import CallOpsCore
import CallOpsStore
import FollowUp
import Foundation
import LeadData
import Roster

/// One seat's output over the period (SPEC section 8).
public struct AgentFigures: Equatable, Sendable {
    public var agentCode: String
    public var name: String
    public var team: String
    public var tier: Tier
    public var dials = 0
    public var contacts = 0
    public var effectiveCalls = 0
    public var talkSeconds = 0
    public var leadsAllocated = 0
    public var leadsWorked = 0
    public var sales = 0
    public var premium = Money.zero
    /// Premium against the month's premium target; nil without a target.
    public var attainment: Double?
    public var rankInTeam = 0
    public var flags: [String] = []
    /// Referral leads received in the period, against `programmes.monthly_referrals_target` (seed 003: 4 a month).
    public var referrals = 0
    public var referralsTarget = 0
    /// The share of the agent's new customers with 121 completed in time; nil when none was due.
    public var programme121Rate: Double?

    public var contactRate: Double? { dials > 0 ? Double(contacts) / Double(dials) : nil }
    public var talkMinutes: Double { Double(talkSeconds) / 60 }
    public var averageTalkSeconds: Double? { contacts > 0 ? Double(talkSeconds) / Double(contacts) : nil }
    public var dataUsageRate: Double? { leadsAllocated > 0 ? min(1, Double(leadsWorked) / Double(leadsAllocated)) : nil }
    /// 件均保费: premium per policy.
    public var averagePremium: Money? { sales > 0 ? Money(fen: premium.fen / Int64(sales)) : nil }
    /// Sales / leads worked.
    public var conversionRate: Double? { leadsWorked > 0 ? Double(sales) / Double(leadsWorked) : nil }
    public var premiumPerLead: Money? { leadsAllocated > 0 ? Money(fen: premium.fen / Int64(leadsAllocated)) : nil }
}

/// A team's figures (SPEC section 8).
public struct TeamFigures: Equatable, Sendable {
    public var team: String
    public var headcount = 0
    /// Agents with at least one sale in the period.
    public var activeSellers = 0
    public var sales = 0
    public var premium = Money.zero
    public var dials = 0
    public var contacts = 0
    public var effectiveCalls = 0
    public var seats = 0
    public var occupiedSeats = 0

    /// 举绩率: the share of agents with at least one sale.
    public var activeSellerRate: Double? { headcount > 0 ? Double(activeSellers) / Double(headcount) : nil }
    /// 人均件数.
    public var policiesPerAgent: Double? { headcount > 0 ? Double(sales) / Double(headcount) : nil }
    /// 件均保费.
    public var averagePremium: Money? { sales > 0 ? Money(fen: premium.fen / Int64(sales)) : nil }
    /// 人均产能.
    public var premiumPerAgent: Money? { headcount > 0 ? Money(fen: premium.fen / Int64(headcount)) : nil }
    public var seatUtilization: Double? { seats > 0 ? Double(occupiedSeats) / Double(seats) : nil }
}

/// The seat report: per agent, per team, and per day.
public struct SeatReport: Sendable {
    public var from: String
    public var to: String
    public var agents: [AgentFigures]
    public var teams: [TeamFigures]
    public var days: [DayActivity]
}

/// Builds the seat report from the roster, the lead ledger, calls, policies and targets.
public struct SeatReportBuilder {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// The period: `--month YYYY-MM`, or `--from`/`--to` days (inclusive), else this month up to now.
    public func period(month: String?, from: String?, to: String?) throws -> (from: Date, to: Date) {
        if let month {
            guard let start = CivilMonth(month).flatMap({ clock.parseDay($0.firstDay.description) }) else {
                throw CallOpsError.invalidValue(field: "--month", value: month, expected: "a month such as 2026-11")
            }
            return (start, clock.calendar.date(byAdding: .month, value: 1, to: start)!)
        }
        if from != nil || to != nil {
            guard let f = from.flatMap(clock.parseDay) else {
                throw CallOpsError.invalidValue(field: "--from", value: from ?? "", expected: "a day such as 2026-11-01 (with --to)")
            }
            guard let t = to.flatMap(clock.parseDay) else {
                throw CallOpsError.invalidValue(field: "--to", value: to ?? "", expected: "a day such as 2026-11-30 (with --from)")
            }
            guard f <= t else { throw CallOpsError.invalidValue(field: "--to", value: to!, expected: "a day on or after --from") }
            return (f, clock.adding(days: 1, to: t))
        }
        let start = clock.calendar.date(from: clock.calendar.dateComponents([.year, .month], from: clock.now))!
        return (start, clock.now)
    }

    /// The report for [from, to), one team's or all.
    /// - Parameters:
    ///   - withDays: also count per day (a second pass over the calls; the day view, HTML and daily need it).
    public func build(_ db: Database, from: Date, to: Date, team: String?, withDays: Bool = true) throws -> SeatReport {
        let fromText = clock.timestamp(from), toText = clock.timestamp(to)
        let agents = try Roster.agents(db, team: team)
        let activity = try ActivityFigures.perAgent(db, from: fromText, to: toText)
        let allocated = try LeadStats.allocatedPerAgent(db, from: fromText, to: toText)
        let targets = try Planning.premiumTargets(db, month: String(fromText.prefix(7)))
        let programmes = try Programmes(settings: settings, clock: clock).seatFigures(
            db, from: clock.civilDay(from), to: clock.civilDay(max(from, to.addingTimeInterval(-1))))
        // Agents who left before the period began are not part of it.
        let present = agents.filter { $0.status != .left || (activity[$0.id]?.dials ?? 0) > 0 }
        // Each agent's tier on the period's last day (today for a period still running).
        let tiers = try Roster.tiers(db, on: clock.civilDay(min(clock.now, to.addingTimeInterval(-1))), rules: settings.roster, agents: present)
        var figures: [AgentFigures] = present.map { agent in
            let a = activity[agent.id] ?? AgentActivity(agentID: agent.id)
            var f = AgentFigures(agentCode: agent.code, name: agent.name, team: agent.team, tier: tiers[agent.id]!.tier)
            f.dials = a.dials
            f.contacts = a.contacts
            f.effectiveCalls = a.effectiveCalls
            f.talkSeconds = a.talkSeconds
            f.leadsWorked = a.leadsWorked
            f.sales = a.sales
            f.premium = a.premium
            f.leadsAllocated = allocated[agent.id] ?? 0
            f.referrals = programmes[agent.id]?.referrals ?? 0
            f.referralsTarget = settings.programmes.monthlyReferralsTarget
            f.programme121Rate = programmes[agent.id]?.rate121
            if let target = targets[agent.id], target.fen > 0 { f.attainment = Double(a.premium.fen) / Double(target.fen) }
            // stalled: no sale in the last `stalled_days` of the period, for agents employed that long.
            let stalledSince = clock.timestamp(clock.adding(days: -settings.seats.stalledDays, to: to))
            if agent.daysEmployed(clock: Clock(now: to, timeZone: clock.timeZone)) >= settings.seats.stalledDays,
                (a.lastSaleAt ?? "") < stalledSince
            {
                f.flags.append("stalled")
            }
            return f
        }
        var teams: [String: TeamFigures] = [:]
        for name in Set(figures.map(\.team)).union(team.map { [$0] } ?? []) {
            let seats = try Roster.seatCounts(db, team: name)
            teams[name] = TeamFigures(team: name, seats: seats.seats, occupiedSeats: seats.occupied)
        }
        for name in teams.keys {
            let members = figures.indices.filter { figures[$0].team == name }
            // Rank by premium, then sales, then code; at_risk under half the team's median premium.
            let ranked = members.sorted { (figures[$0].premium, figures[$0].sales, figures[$1].agentCode) > (figures[$1].premium, figures[$1].sales, figures[$0].agentCode) }
            for (rank, i) in ranked.enumerated() { figures[i].rankInTeam = rank + 1 }
            let premiums = members.map { figures[$0].premium.fen }.sorted()
            let median: Double = premiums.isEmpty ? 0 : premiums.count % 2 == 1 ? Double(premiums[premiums.count / 2])
                : Double(premiums[premiums.count / 2 - 1] + premiums[premiums.count / 2]) / 2
            for i in members where median > 0 && Double(figures[i].premium.fen) < settings.seats.atRiskShare * median {
                figures[i].flags.append("at_risk")
            }
            var t = teams[name]!
            for i in members {
                let f = figures[i]
                t.headcount += 1
                t.activeSellers += f.sales > 0 ? 1 : 0
                t.sales += f.sales
                t.premium += f.premium
                t.dials += f.dials
                t.contacts += f.contacts
                t.effectiveCalls += f.effectiveCalls
            }
            teams[name] = t
        }
        // Teams in the roster's order (一组, 二组, ...), agents by rank within each.
        let order = Dictionary(uniqueKeysWithValues: try Roster.teams(db).enumerated().map { ($1, $0) })
        figures.sort { (order[$0.team] ?? 0, $0.rankInTeam) < (order[$1.team] ?? 0, $1.rankInTeam) }
        let days = withDays ? try ActivityFigures.perDay(db, from: fromText, to: toText, agents: team == nil ? nil : present.map(\.id)) : []
        return SeatReport(from: fromText, to: toText, agents: figures, teams: teams.values.sorted { (order[$0.team] ?? 0) < (order[$1.team] ?? 0) }, days: days)
    }
}
