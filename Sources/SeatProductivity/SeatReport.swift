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
    /// Leads called or sold by the agent in the period (a sale is contact with the customer).
    public var leadsWorked = 0
    /// Distinct leads sold in the period: a customer who bought twice is one (`sales` counts policies).
    public var leadsSold = 0
    public var sales = 0
    public var premium = Money.zero
    /// Premium against the period's premium target (prorated by working days); nil without a target.
    public var attainment: Double?
    public var rankInTeam = 0
    public var flags: [String] = []
    /// Distinct leads with a `proposal` call or a sale in the period (seed 001).
    public var proposals = 0
    /// First-year commission of the period's sales.
    public var fyc = Money.zero
    /// The leads allocated in the period at their batch's cost per lead.
    public var leadCost = Money.zero
    /// The period's pay lines (a month's prorated by calendar days).
    public var payCost = Money.zero
    /// Some of `payCost` comes from a draft pay run.
    public var payCostIncludesDraft = false
    /// The period's working days (config `planning.working_days`).
    public var workingDays = 0
    /// The calls-per-day attainment's basis: the period's working days in months that carry a
    /// target of the agent's, and the effective calls made in those months (`dailyBasis`).
    public var targetedWorkingDays = 0
    public var targetedEffectiveCalls = 0
    /// The 3:3:1 targets prorated to the period; nil when none is stored for its months.
    public var targets: PeriodTargets?
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
    public var averagePremium: Money? { premium.divided(by: sales) }
    /// Leads sold / leads worked, the class view's definition: a sold lead is a worked lead, so
    /// it is a fraction; nil when none was worked.
    public var conversionRate: Double? { leadsWorked > 0 ? Double(leadsSold) / Double(leadsWorked) : nil }
    public var premiumPerLead: Money? { premium.divided(by: leadsAllocated) }

    /// Each figure against its prorated target; nil without targets.
    public var attainmentBy: Attainment? {
        targets.map { t in
            Attainment(effectiveCalls: Attainment.of(Double(effectiveCalls), t.effectiveCalls), proposals: Attainment.of(Double(proposals), t.proposals),
                       sales: Attainment.of(Double(sales), t.sales), premium: Attainment.of(Double(premium.fen), Double(t.premium.fen)),
                       dailyEffectiveCalls: effectiveCallsPerTargetedDay.flatMap { Attainment.of($0, Double(t.dailyEffectiveCalls)) })
        }
    }

    /// Effective calls per working day of the months that carry a target; nil without one.
    public var effectiveCallsPerTargetedDay: Double? {
        targetedWorkingDays > 0 ? Double(targetedEffectiveCalls) / Double(targetedWorkingDays) : nil
    }
}

/// Actual over target for each 3:3:1 figure (1.0 is on target); nil where the target is zero.
public struct Attainment: Equatable, Sendable {
    public var effectiveCalls: Double?
    public var proposals: Double?
    public var sales: Double?
    public var premium: Double?
    /// Effective calls per working day of the period against the daily target.
    public var dailyEffectiveCalls: Double?

    /// `actual / target`, nil for a target of zero or less.
    public static func of(_ actual: Double, _ target: Double) -> Double? { target > 0 ? actual / target : nil }
}

/// A group of agents' selling figures (a team, a tier, the center): seed 000's three levers.
public protocol SellerFigures {
    var headcount: Int { get }
    /// Agents with at least one sale in the period.
    var activeSellers: Int { get }
    var sales: Int { get }
    var premium: Money { get }
}

extension SellerFigures {
    /// 举绩率: the share of agents with at least one sale.
    public var activeSellerRate: Double? { headcount > 0 ? Double(activeSellers) / Double(headcount) : nil }
    /// 人均件数.
    public var policiesPerAgent: Double? { headcount > 0 ? Double(sales) / Double(headcount) : nil }
    /// 件均保费.
    public var averagePremium: Money? { premium.divided(by: sales) }
}

/// A team's figures (SPEC section 8).
public struct TeamFigures: SellerFigures, Equatable, Sendable {
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
    public var proposals = 0
    public var fyc = Money.zero
    public var leadCost = Money.zero
    public var payCost = Money.zero
    public var payCostIncludesDraft = false
    /// Distinct leads allocated in the period: a lead recycled and allocated again counts once.
    public var leadsAllocated = 0

    /// 人均产能.
    public var premiumPerAgent: Money? { premium.divided(by: headcount) }
    public var seatUtilization: Double? { seats > 0 ? Double(occupiedSeats) / Double(seats) : nil }
    public var contactRate: Double? { dials > 0 ? Double(contacts) / Double(dials) : nil }
    /// What was spent: lead cost and pay cost.
    public var spent: Money { leadCost + payCost }
    /// Premium per yuan spent (投入产出); nil when nothing was spent.
    public var premiumPerYuan: Double? { spent.fen > 0 ? Double(premium.fen) / Double(spent.fen) : nil }

    /// Adds one agent's counts.
    public mutating func add(_ f: AgentFigures) {
        headcount += 1
        activeSellers += f.sales > 0 ? 1 : 0
        sales += f.sales
        premium += f.premium
        dials += f.dials
        contacts += f.contacts
        effectiveCalls += f.effectiveCalls
        proposals += f.proposals
        fyc += f.fyc
        leadCost += f.leadCost
        payCost += f.payCost
        payCostIncludesDraft = payCostIncludesDraft || f.payCostIncludesDraft
    }

    /// The teams' counts summed (the center row): rates come from the sums, never averaged.
    public static func total(of teams: [TeamFigures], name: String) -> TeamFigures {
        var c = TeamFigures(team: name)
        for t in teams {
            c.headcount += t.headcount
            c.activeSellers += t.activeSellers
            c.sales += t.sales
            c.premium += t.premium
            c.dials += t.dials
            c.contacts += t.contacts
            c.effectiveCalls += t.effectiveCalls
            c.seats += t.seats
            c.occupiedSeats += t.occupiedSeats
            c.proposals += t.proposals
            c.fyc += t.fyc
            c.leadCost += t.leadCost
            c.payCost += t.payCost
            c.payCostIncludesDraft = c.payCostIncludesDraft || t.payCostIncludesDraft
            // Exact for one team; the builder counts the center's own distinct leads.
            c.leadsAllocated += t.leadsAllocated
        }
        return c
    }
}

/// One tier's figures (seed 000: 一般 lifts 举绩率, 主力 人均件数, 绩优 件均保费).
public struct TierFigures: SellerFigures, Equatable, Sendable {
    public var tier: Tier
    public var headcount = 0
    public var activeSellers = 0
    public var sales = 0
    public var premium = Money.zero
    /// The report's premium over every tier, for the share.
    public var totalPremium = Money.zero

    /// The tier's share of the premium; nil when nobody sold.
    public var premiumShare: Double? { totalPremium.fen > 0 ? Double(premium.fen) / Double(totalPremium.fen) : nil }

    /// The tiers of `agents`, from new to top, those with nobody left out.
    public static func of(_ agents: [AgentFigures]) -> [TierFigures] {
        let total = agents.reduce(Money.zero) { $0 + $1.premium }
        return Tier.allCases.compactMap { tier in
            let members = agents.filter { $0.tier == tier }
            guard !members.isEmpty else { return nil }
            var t = TierFigures(tier: tier, totalPremium: total)
            for f in members {
                t.headcount += 1
                t.activeSellers += f.sales > 0 ? 1 : 0
                t.sales += f.sales
                t.premium += f.premium
            }
            return t
        }
    }
}

/// The same figures for an earlier period (`--compare`).
public struct SeatComparison: Equatable, Sendable {
    public var from: String
    public var to: String
    public var teams: [TeamFigures]
    public var center: TeamFigures

    /// `(now - before) / before`; nil when the earlier figure is zero.
    public static func change(_ now: Double, _ before: Double) -> Double? { before != 0 ? (now - before) / before : nil }
}

/// The seat report: per agent, per team, and per day.
public struct SeatReport: Sendable {
    public var from: String
    public var to: String
    public var agents: [AgentFigures]
    public var teams: [TeamFigures]
    public var days: [DayActivity]
    /// The teams' total (with `--team`, that team's).
    public var center: TeamFigures
    public var tiers: [TierFigures]
    /// The earlier period; nil with `--compare none`.
    public var previous: SeatComparison?
    /// The days were counted (`withDays`): `days` is then in the JSON, `[]` for a period
    /// without a working day or a call.
    public var daysCounted = false
    /// Each lead class's figures (`--by class`, the page, the workbook); nil when not counted.
    public var classes: [ClassFigures]? = nil
}

/// What the report is compared with (`--compare`).
public enum SeatCompare: String, CaseIterable, Sendable {
    case previous
    case lastYear = "last-year"
    case none
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
            try InputRange.time(month + "-01", field: "--month")
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
            // Both days in range, at most ten years apart: --by day has at most 3,660 rows.
            try InputRange.period(CivilDay(from!)!, CivilDay(to!)!, field: "--from/--to")
            return (f, clock.adding(days: 1, to: t))
        }
        let start = clock.calendar.date(from: clock.calendar.dateComponents([.year, .month], from: clock.now))!
        return (start, clock.now)
    }

    /// The period `--compare` sets beside [from, to): for `--month`, the month before (or the
    /// same month a year before); for `--from/--to`, the same number of days just before (or the
    /// same days a year before); for the month to date, the same span of the month before (or
    /// of the same month a year before), cut at that month's end. Nil for `none`.
    public func comparison(_ compare: SeatCompare, month: String?, from: String?, to: String?, period: (from: Date, to: Date)) -> (from: Date, to: Date)? {
        let calendar = clock.calendar
        switch compare {
        case .none: return nil
        case .previous where month == nil && (from != nil || to != nil):
            let days = clock.daysBetween(period.from, period.to)
            return (clock.adding(days: -days, to: period.from), period.from)
        case .lastYear where month == nil && (from != nil || to != nil):
            return (calendar.date(byAdding: .year, value: -1, to: period.from)!, calendar.date(byAdding: .year, value: -1, to: period.to)!)
        default:
            // A whole month, or the month so far: the same span from an earlier month's start.
            let back = compare == .previous ? -1 : -12
            let start = calendar.date(byAdding: .month, value: back, to: period.from)!
            let monthEnd = calendar.date(byAdding: .month, value: 1, to: start)!
            let end = month != nil ? monthEnd : min(monthEnd, start.addingTimeInterval(period.to.timeIntervalSince(period.from)))
            return (start, end)
        }
    }

    /// The report for [from, to), one team's or all.
    /// - Parameters:
    ///   - withDays: also count per day (a second pass over the calls; the day view, HTML and daily need it).
    ///   - previous: an earlier period to set beside it (`comparison(...)`).
    ///   - withClasses: also count per lead class (a pass over the period's calls per lead; `--by class`, the page and the workbook).
    public func build(_ db: Database, from: Date, to: Date, team: String?, withDays: Bool = true, previous: (from: Date, to: Date)? = nil,
                      withClasses: Bool = false) throws -> SeatReport {
        let fromText = clock.timestamp(from), toText = clock.timestamp(to)
        // The activity aggregate and pay cost SUM policy money: a text amount would read as 0.
        try Sales.verifyAggregatedColumns(db)
        let agents = try Roster.agents(db, team: team)
        let activity = try ActivityFigures.perAgent(db, from: fromText, to: toText)
        let proposals = try ActivityFigures.proposalsPerAgent(db, from: fromText, to: toText)
        let allocated = try LeadStats.allocatedPerAgent(db, from: fromText, to: toText)
        let leadCost = try LeadCost.allocatedPerAgent(db, from: fromText, to: toText)
        // The period's days: its first through the day of its last moment.
        let firstDay = clock.civilDay(from), lastDay = clock.civilDay(max(from, to.addingTimeInterval(-1)))
        let calendar = settings.planning.workingCalendar
        let shares = calendar.monthShares(from: firstDay, through: lastDay)
        let workingDays = shares.reduce(0) { $0 + $1.days }
        let targets = try Planning.monthTargets(db, months: shares.map(\.month), rules: settings.planning)
        let payCost = try PayCost.perAgent(db, from: firstDay, through: lastDay)
        let programmes = try Programmes(settings: settings, clock: clock).seatFigures(db, from: firstDay, to: lastDay)
        // An agent belongs to the period when employed on one of its days (hired on or before its
        // last, not gone by its first), or when it holds their calls, sales or pay lines: a leaver
        // keeps the periods they worked (SPEC 7: sales stay with the selling agent), whatever
        // their status today, and a later hire is not in its headcount.
        let tenures = try Roster.tenures(db)
        let present = agents.filter { agent in
            let a = activity[agent.id]
            if (a?.dials ?? 0) > 0 || (a?.sales ?? 0) > 0 || payCost[agent.id] != nil { return true }
            // Hired after the period's last day: not in its headcount or 举绩率.
            if let hired = CivilDay(agent.hireDate), hired > lastDay { return false }
            guard let leftOn = tenures[agent.id]?.leftOn else { return agent.status != .left }
            return leftOn > firstDay
        }
        let daily = try dailyBasis(db, targets: targets, shares: shares, from: from, to: to, activity: activity)
        // Each agent's tier on the period's last day (today for a period still running).
        let tiers = try Roster.tiers(db, on: clock.civilDay(min(clock.now, to.addingTimeInterval(-1))), rules: settings.roster, agents: present, sales: Sales.tierSales)
        var figures: [AgentFigures] = present.map { agent in
            let a = activity[agent.id] ?? AgentActivity(agentID: agent.id)
            var f = AgentFigures(agentCode: agent.code, name: agent.name, team: agent.team, tier: tiers[agent.id]!.tier)
            f.dials = a.dials
            f.contacts = a.contacts
            f.effectiveCalls = a.effectiveCalls
            f.talkSeconds = a.talkSeconds
            // Leads called, and those sold without a call of the agent's in the period.
            f.leadsWorked = a.leadsWorked + (proposals[agent.id]?.leadsSoldWithoutCall ?? 0)
            f.leadsSold = proposals[agent.id]?.leadsSold ?? 0
            f.sales = a.sales
            f.premium = a.premium
            f.leadsAllocated = allocated[agent.id] ?? 0
            f.proposals = proposals[agent.id]?.proposals ?? 0
            f.fyc = proposals[agent.id]?.fyc ?? .zero
            f.leadCost = leadCost[agent.id] ?? .zero
            f.payCost = payCost[agent.id]?.amount ?? .zero
            f.payCostIncludesDraft = payCost[agent.id]?.includesDraft ?? false
            f.workingDays = workingDays
            (f.targetedEffectiveCalls, f.targetedWorkingDays) = daily[agent.id] ?? (0, 0)
            f.targets = targets[agent.id].flatMap { PeriodTargets.prorate($0, shares: shares) }
            f.attainment = f.attainmentBy?.premium
            f.referrals = programmes[agent.id]?.referrals ?? 0
            f.referralsTarget = settings.programmes.monthlyReferralsTarget
            f.programme121Rate = programmes[agent.id]?.rate121
            // stalled: no sale in the last `stalled_days` of the period, for agents employed that long.
            let stalledSince = clock.timestamp(clock.adding(days: -settings.seats.stalledDays, to: to))
            if agent.daysEmployed(clock: Clock(now: to, timeZone: clock.timeZone)) >= settings.seats.stalledDays,
                (a.lastSaleAt ?? "") < stalledSince
            {
                f.flags.append("stalled")
            }
            return f
        }
        // Set-based for every team at once: a query per team cost a read of the whole ledger
        // each (59 s for a 5,000-seat center's month, measured 2026-11-29).
        var teams: [String: TeamFigures] = [:]
        let seatCounts = try Roster.seatCountsByTeam(db)
        for name in Set(figures.map(\.team)).union(team.map { [$0] } ?? []) {
            let seats = seatCounts[name] ?? (0, 0)
            teams[name] = TeamFigures(team: name, seats: seats.seats, occupiedSeats: seats.occupied)
        }
        // `figures[i]` is `present[i]`'s until the sort below.
        let membersOf = Dictionary(grouping: figures.indices, by: { figures[$0].team })
        let teamNames = Array(teams.keys)
        let allocatedLeads = try LeadStats.allocatedLeads(db, from: fromText, to: toText,
                                                          groups: teamNames.map { (membersOf[$0] ?? []).map { present[$0].id } } + [present.map(\.id)])
        for (name, count) in zip(teamNames, allocatedLeads) { teams[name]!.leadsAllocated = count }
        for name in teamNames {
            let members = membersOf[name] ?? []
            // Rank by premium, then sales, then code; at_risk under half the team's median premium.
            let ranked = members.sorted { (figures[$0].premium, figures[$0].sales, figures[$1].agentCode) > (figures[$1].premium, figures[$1].sales, figures[$0].agentCode) }
            for (rank, i) in ranked.enumerated() { figures[i].rankInTeam = rank + 1 }
            let premiums = members.map { figures[$0].premium.fen }.sorted()
            let median: Double = premiums.isEmpty ? 0 : premiums.count % 2 == 1 ? Double(premiums[premiums.count / 2])
                : Double(premiums[premiums.count / 2 - 1] + premiums[premiums.count / 2]) / 2
            for i in members where median > 0 && Double(figures[i].premium.fen) < settings.seats.atRiskShare * median {
                figures[i].flags.append("at_risk")
            }
            for i in members { teams[name]!.add(figures[i]) }
        }
        // Teams in the roster's order (一组, 二组, ...), agents by rank within each.
        let order = Dictionary(uniqueKeysWithValues: try Roster.teams(db).enumerated().map { ($1, $0) })
        figures.sort { (order[$0.team] ?? 0, $0.rankInTeam) < (order[$1.team] ?? 0, $1.rankInTeam) }
        let sortedTeams = teams.values.sorted { (order[$0.team] ?? 0) < (order[$1.team] ?? 0) }
        let days = withDays ? trend(try ActivityFigures.perDay(db, from: fromText, to: toText, agents: team == nil ? nil : present.map(\.id)),
                                    from: from, to: to) : []
        var earlier: SeatComparison?
        if let previous {
            let before = try build(db, from: previous.from, to: previous.to, team: team, withDays: false)
            earlier = SeatComparison(from: before.from, to: before.to, teams: before.teams, center: before.center)
        }
        var center = TeamFigures.total(of: sortedTeams, name: "center")
        center.leadsAllocated = allocatedLeads.last ?? 0
        let classes = withClasses ? try self.classes(db, from: fromText, to: toText, agents: team == nil ? nil : present.map(\.id)) : nil
        return SeatReport(from: fromText, to: toText, agents: figures, teams: sortedTeams, days: days,
                          center: center, tiers: TierFigures.of(figures), previous: earlier, daysCounted: withDays, classes: classes)
    }
}
