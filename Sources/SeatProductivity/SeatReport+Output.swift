import BackOffice
import CallOpsCore
import FollowUp
import Foundation

extension SeatReport: Encodable {
    enum Keys: String, CodingKey { case from, to, agents, teams, center, tiers, days, previous, classes, classTotal = "class_total" }

    /// SPEC section 13's contract: money in yuan, rates as fractions, null where undefined.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(agents.map { AgentJSON(f: $0) }, forKey: .agents)
        try c.encode(teams.map { TeamJSON(t: $0) }, forKey: .teams)
        try c.encode(TeamJSON(t: center, isCenter: true), forKey: .center)
        try c.encode(tiers.map(TierJSON.init), forKey: .tiers)
        if daysCounted || !days.isEmpty { try c.encode(days.map(DayJSON.init), forKey: .days) }
        if let previous { try c.encode(PreviousJSON(p: previous, now: center), forKey: .previous) }
        if let classes, let classTotal {
            try c.encode(classes.map(ClassJSON.init), forKey: .classes)
            try c.encode(ClassJSON(c: classTotal), forKey: .classTotal)
        }
    }

    /// The days a period covers, as people read them: `[from, to)` from 2 November 00:00 to 9
    /// November 00:00 is 2026-11-02 to 2026-11-08; an end inside a day (the month so far) keeps
    /// that day. The JSON's `from`/`to` stay the exact bounds (SPEC section 13).
    public static func daysCovered(from: String, to: String) -> (first: String, last: String) {
        let first = String(from.prefix(10))
        guard let end = CivilDay(String(to.prefix(10))) else { return (first, to) }
        let midnight = to.count <= 10 || to.dropFirst(10).allSatisfy { "T0:.".contains($0) }
        let last = midnight ? end.adding(days: -1) : end
        return (first, max(first, last.description))
    }

    /// A prorated target: two decimals (5/21 of 153 effective calls is 36.43).
    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    struct AgentJSON: TabularRow {
        static var blank: AgentJSON { AgentJSON(f: AgentFigures(agentCode: "", name: "", team: "", tier: .new)) }
        let f: AgentFigures
        /// The total row (the workbook's): no tier or rank, its attainment over the agents who
        /// have targets (`agentTotal`).
        var total: (label: String, attainment: Attainment?)? = nil
        enum K: String, CodingKey {
            case agentCode = "agent_code", name, team, tier, dials, contacts, contactRate = "contact_rate", effectiveCalls = "effective_calls"
            case talkMinutes = "talk_minutes", avgTalkSeconds = "avg_talk_seconds", leadsAllocated = "leads_allocated"
            case leadsWorked = "leads_worked", sales, premium, avgPremium = "avg_premium", conversionRate = "conversion_rate"
            case premiumPerLead = "premium_per_lead", dataUsageRate = "data_usage_rate", attainment, rank, flags
            case proposals, fyc, targets, attainmentBy = "attainment_by", workingDays = "working_days"
            case referrals, referralsTarget = "referrals_target", programme121Rate = "programme_121_rate"
        }
        enum TargetKeys: String, CodingKey {
            case effectiveCalls = "effective_calls", proposals, sales, premium, dailyEffectiveCalls = "daily_effective_calls"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(total?.label ?? f.agentCode, forKey: .agentCode)
            try c.encode(f.name, forKey: .name)
            try c.encode(f.team, forKey: .team)
            try c.encode(total == nil ? f.tier.rawValue : nil, forKey: .tier)
            try c.encode(f.dials, forKey: .dials)
            try c.encode(f.contacts, forKey: .contacts)
            try c.encode(f.contactRate, forKey: .contactRate)
            try c.encode(f.effectiveCalls, forKey: .effectiveCalls)
            try c.encode((f.talkMinutes * 10).rounded() / 10, forKey: .talkMinutes)
            try c.encode(f.averageTalkSeconds.map { $0.rounded() }, forKey: .avgTalkSeconds)
            try c.encode(f.leadsAllocated, forKey: .leadsAllocated)
            try c.encode(f.leadsWorked, forKey: .leadsWorked)
            try c.encode(f.sales, forKey: .sales)
            try c.encode(f.premium.yuan, forKey: .premium)
            try c.encode(f.averagePremium?.yuan, forKey: .avgPremium)
            try c.encode(f.conversionRate, forKey: .conversionRate)
            try c.encode(f.premiumPerLead?.yuan, forKey: .premiumPerLead)
            try c.encode(f.dataUsageRate, forKey: .dataUsageRate)
            try c.encode(f.attainment, forKey: .attainment)
            try c.encode(total == nil ? f.rankInTeam : nil, forKey: .rank)
            try c.encode(f.flags, forKey: .flags)
            try c.encode(f.proposals, forKey: .proposals)
            try c.encode(f.fyc.yuan, forKey: .fyc)
            try c.encode(f.workingDays, forKey: .workingDays)
            // Always objects, their members null without a target: the CSV's columns never
            // change with the data (SPEC 3), and a script reads `targets.premium` either way.
            let t = f.targets
            var targets = c.nestedContainer(keyedBy: TargetKeys.self, forKey: .targets)
            try targets.encode(t.map { SeatReport.rounded($0.effectiveCalls) }, forKey: .effectiveCalls)
            try targets.encode(t.map { SeatReport.rounded($0.proposals) }, forKey: .proposals)
            try targets.encode(t.map { SeatReport.rounded($0.sales) }, forKey: .sales)
            try targets.encode(t?.premium.yuan, forKey: .premium)
            try targets.encode(t.map { SeatReport.rounded($0.dailyEffectiveCalls) }, forKey: .dailyEffectiveCalls)
            let a = total.map(\.attainment) ?? f.attainmentBy
            var by = c.nestedContainer(keyedBy: TargetKeys.self, forKey: .attainmentBy)
            try by.encode(a?.effectiveCalls, forKey: .effectiveCalls)
            try by.encode(a?.proposals, forKey: .proposals)
            try by.encode(a?.sales, forKey: .sales)
            try by.encode(a?.premium, forKey: .premium)
            try by.encode(a?.dailyEffectiveCalls, forKey: .dailyEffectiveCalls)
            try c.encode(f.referrals, forKey: .referrals)
            try c.encode(f.referralsTarget, forKey: .referralsTarget)
            try c.encode(f.programme121Rate, forKey: .programme121Rate)
        }
    }

    struct TeamJSON: TabularRow {
        static var blank: TeamJSON { TeamJSON(t: TeamFigures(team: "")) }
        let t: TeamFigures
        /// The center row: `"team": null` (SPEC section 13).
        var isCenter = false
        enum K: String, SellerKeys {
            case team, headcount, activeSellers = "active_sellers", activeSellerRate = "active_seller_rate", sales, premium
            case policiesPerAgent = "policies_per_agent", avgPremium = "avg_premium", premiumPerAgent = "premium_per_agent"
            case seatUtilization = "seat_utilization"
            case dials, contacts, contactRate = "contact_rate", effectiveCalls = "effective_calls", proposals, fyc
            case leadCost = "lead_cost", payCost = "pay_cost", payCostDraft = "pay_cost_draft", premiumPerYuan = "premium_per_yuan"
            case leadsAllocated = "leads_allocated"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(isCenter ? nil : t.team, forKey: .team)
            try SeatReport.encodeSellers(t, into: &c)
            try c.encode(t.premiumPerAgent?.yuan, forKey: .premiumPerAgent)
            try c.encode(t.seatUtilization, forKey: .seatUtilization)
            try c.encode(t.dials, forKey: .dials)
            try c.encode(t.contacts, forKey: .contacts)
            try c.encode(t.contactRate, forKey: .contactRate)
            try c.encode(t.effectiveCalls, forKey: .effectiveCalls)
            try c.encode(t.proposals, forKey: .proposals)
            try c.encode(t.fyc.yuan, forKey: .fyc)
            try c.encode(t.leadCost.yuan, forKey: .leadCost)
            try c.encode(t.payCost.yuan, forKey: .payCost)
            try c.encode(t.payCostIncludesDraft, forKey: .payCostDraft)
            try c.encode(t.premiumPerYuan.map(SeatReport.rounded), forKey: .premiumPerYuan)
            try c.encode(t.leadsAllocated, forKey: .leadsAllocated)
        }
    }

    /// The keys a team and a tier share (SPEC section 13), in that order.
    protocol SellerKeys: CodingKey {
        static var headcount: Self { get }
        static var activeSellers: Self { get }
        static var activeSellerRate: Self { get }
        static var sales: Self { get }
        static var premium: Self { get }
        static var policiesPerAgent: Self { get }
        static var avgPremium: Self { get }
    }

    static func encodeSellers<K: SellerKeys>(_ f: some SellerFigures, into c: inout KeyedEncodingContainer<K>) throws {
        try c.encode(f.headcount, forKey: .headcount)
        try c.encode(f.activeSellers, forKey: .activeSellers)
        try c.encode(f.activeSellerRate, forKey: .activeSellerRate)
        try c.encode(f.sales, forKey: .sales)
        try c.encode(f.premium.yuan, forKey: .premium)
        try c.encode(f.policiesPerAgent, forKey: .policiesPerAgent)
        try c.encode(f.averagePremium?.yuan, forKey: .avgPremium)
    }

    struct TierJSON: TabularRow {
        static var blank: TierJSON { TierJSON(t: TierFigures(tier: .new)) }
        let t: TierFigures
        enum K: String, SellerKeys {
            case tier, headcount, activeSellers = "active_sellers", activeSellerRate = "active_seller_rate", sales, premium
            case policiesPerAgent = "policies_per_agent", avgPremium = "avg_premium", premiumShare = "premium_share"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(t.tier.rawValue, forKey: .tier)
            try SeatReport.encodeSellers(t, into: &c)
            try c.encode(t.premiumShare, forKey: .premiumShare)
        }
    }

    /// The earlier period, and the center's change against it (fractions; null from zero).
    struct PreviousJSON: Encodable {
        let p: SeatComparison
        let now: TeamFigures
        enum K: String, CodingKey { case from, to, teams, center, change }
        enum ChangeKeys: String, CodingKey { case sales, premium, effectiveCalls = "effective_calls", proposals, activeSellerRate = "active_seller_rate" }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(p.from, forKey: .from)
            try c.encode(p.to, forKey: .to)
            try c.encode(p.teams.map { TeamJSON(t: $0) }, forKey: .teams)
            try c.encode(TeamJSON(t: p.center, isCenter: true), forKey: .center)
            var change = c.nestedContainer(keyedBy: ChangeKeys.self, forKey: .change)
            try change.encode(SeatComparison.change(Double(now.sales), Double(p.center.sales)), forKey: .sales)
            try change.encode(SeatComparison.change(Double(now.premium.fen), Double(p.center.premium.fen)), forKey: .premium)
            try change.encode(SeatComparison.change(Double(now.effectiveCalls), Double(p.center.effectiveCalls)), forKey: .effectiveCalls)
            try change.encode(SeatComparison.change(Double(now.proposals), Double(p.center.proposals)), forKey: .proposals)
            try change.encode(SeatComparison.change(now.activeSellerRate ?? 0, p.center.activeSellerRate ?? 0), forKey: .activeSellerRate)
        }
    }

    struct DayJSON: TabularRow {
        static var blank: DayJSON { DayJSON(d: .empty("")) }
        let d: DayActivity
        enum K: String, CodingKey { case day, dials, contacts, contactRate = "contact_rate", effectiveCalls = "effective_calls", sales, premium }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(d.day, forKey: .day)
            try c.encode(d.dials, forKey: .dials)
            try c.encode(d.contacts, forKey: .contacts)
            try c.encode(d.contactRate, forKey: .contactRate)
            try c.encode(d.effectiveCalls, forKey: .effectiveCalls)
            try c.encode(d.sales, forKey: .sales)
            try c.encode(d.premium.yuan, forKey: .premium)
        }
    }

    /// The CSV of `grouping`'s rows (SPEC section 3): the header is their JSON keys, the same
    /// columns with no row at all (an empty center, a weekend's days: each row kind names its
    /// columns, `TabularRow`).
    public func csv(by grouping: Grouping) throws -> String {
        let name = grouping.key
        let table = DataTable.main(of: try EncodedValue.of(self), preferred: name)
        if table.name == name { return table.csv() }
        // The one table the JSON may leave out: the days of a report not counted by day.
        return DataTable.tables(of: .noRows(shape: try EncodedValue.of(DayJSON.blank)))[0].csv()
    }

    /// How the table groups: per agent, per team, per day, per tier or per lead class.
    public enum Grouping: String, CaseIterable, Sendable {
        case agent, team, day, tier
        case leadClass = "class"

        /// The JSON's key for the grouping's rows.
        public var key: String { self == .leadClass ? "classes" : rawValue + "s" }
    }

    /// A change as a signed percentage (`+12.5%`), `-` from zero.
    static func changeText(_ change: Double?) -> String {
        guard let change, change.isFinite else { return "-" }
        return (change >= 0 ? "+" : "") + Render.percent(change)
    }

    /// A key figure set beside the previous period's (SPEC section 8's levers and volume).
    public struct KeyFigure: Sendable {
        public let name: String
        /// The figure as a number, for the change; nil where undefined.
        public let value: @Sendable (TeamFigures) -> Double?
        /// The figure as people read it.
        public let text: @Sendable (TeamFigures) -> String
    }

    /// 举绩率, 人均件数, 件均保费, premium, sales and effective calls: what the terminal's team
    /// table, the footers and the workbook set beside the previous period.
    public static let keyFigures: [KeyFigure] = [
        KeyFigure(name: "举绩率", value: { $0.activeSellerRate }, text: { Render.percent($0.activeSellerRate) }),
        KeyFigure(name: "人均件数", value: { $0.policiesPerAgent }, text: { $0.policiesPerAgent.map { Render.number($0, digits: 2) } ?? "-" }),
        KeyFigure(name: "件均保费", value: { $0.averagePremium.map { Double($0.fen) } }, text: { $0.averagePremium?.description ?? "-" }),
        KeyFigure(name: "premium", value: { Double($0.premium.fen) }, text: { $0.premium.description }),
        KeyFigure(name: "sales", value: { Double($0.sales) }, text: { String($0.sales) }),
        KeyFigure(name: "effective calls", value: { Double($0.effectiveCalls) }, text: { String($0.effectiveCalls) }),
    ]

    /// The change of a key figure from `before` to `now`; nil where either is undefined or the
    /// earlier one is zero.
    static func change(_ figure: KeyFigure, _ now: TeamFigures, _ before: TeamFigures?) -> Double? {
        guard let before, let was = figure.value(before), let is_ = figure.value(now) else { return nil }
        return SeatComparison.change(is_, was)
    }

    /// The agents' sum as one row (the center's, or the team's with `--team`): counts summed,
    /// rates from the sums; attainment over the agents who have targets.
    public var agentTotal: (figures: AgentFigures, attainment: Attainment?) {
        var t = AgentFigures(agentCode: "", name: "", team: "", tier: .new)
        var targeted: [AgentFigures] = []
        var attainment: Attainment?
        for f in agents {
            t.dials += f.dials
            t.contacts += f.contacts
            t.effectiveCalls += f.effectiveCalls
            t.talkSeconds += f.talkSeconds
            t.leadsAllocated += f.leadsAllocated
            t.leadsWorked += f.leadsWorked
            t.leadsSold += f.leadsSold
            t.sales += f.sales
            t.premium += f.premium
            t.proposals += f.proposals
            t.fyc += f.fyc
            t.workingDays = f.workingDays
            if f.targets != nil { targeted.append(f) }
        }
        // A lead recycled and allocated again in the period is one lead, not one per agent.
        if !agents.isEmpty { t.leadsAllocated = center.leadsAllocated }
        if !targeted.isEmpty {
            var sum = PeriodTargets(effectiveCalls: 0, proposals: 0, sales: 0, premium: .zero, dailyEffectiveCalls: 0)
            for target in targeted.compactMap(\.targets) {
                sum.effectiveCalls += target.effectiveCalls
                sum.proposals += target.proposals
                sum.sales += target.sales
                sum.premium += target.premium
                sum.dailyEffectiveCalls += target.dailyEffectiveCalls
            }
            t.targets = sum
            // Attainment compares like with like: the actuals of the agents who have targets.
            var actual = AgentFigures(agentCode: "", name: "", team: "", tier: .new)
            for f in targeted {
                actual.effectiveCalls += f.effectiveCalls
                actual.proposals += f.proposals
                actual.sales += f.sales
                actual.premium += f.premium
            }
            actual.workingDays = t.workingDays
            actual.targets = t.targets
            attainment = actual.attainmentBy
            // Per day: each agent's calls a targeted working day (their months with a target may
            // differ), summed, against their daily targets summed.
            let daily = targeted.filter { $0.targetedWorkingDays > 0 }
            attainment?.dailyEffectiveCalls = daily.isEmpty ? nil : Attainment.of(daily.compactMap(\.effectiveCallsPerTargetedDay).reduce(0, +),
                                                                                     daily.compactMap { $0.targets?.dailyEffectiveCalls }.reduce(0, +))
            t.attainment = attainment?.premium
        }
        return (t, attainment)
    }

    /// Referrals received against the target (SPEC section 7: "against the seed's 4"), `5/4`.
    func referralsText(_ f: AgentFigures) -> String { "\(f.referrals)/\(f.referralsTarget)" }

    /// The agents' sum with their referrals and targets added up (the 121 rate has no sum: none).
    func agentsReferrals(_ total: AgentFigures) -> AgentFigures {
        var t = total
        t.referrals = agents.reduce(0) { $0 + $1.referrals }
        t.referralsTarget = agents.reduce(0) { $0 + $1.referralsTarget }
        t.programme121Rate = nil
        return t
    }

    /// What the row of the agents' or teams' sum is called: `total` for one team, else `center`.
    public var totalLabel: String { teams.count == 1 ? "total" : "center" }

    /// The report as rows for a terminal or CSV.
    public func table(by grouping: Grouping) -> Table {
        func money(_ m: Money?) -> String { m?.description ?? "-" }
        let centerName = totalLabel
        var footer = ["period \(from) to \(to)"]
        if let previous {
            // Each key figure of the center: now, before, and the change.
            footer.append("previous \(previous.from) to \(previous.to), \(centerName) now / before (change):")
            footer.append(Self.keyFigures.map { k in
                "\(k.name) \(k.text(center)) / \(k.text(previous.center)) (\(Self.changeText(Self.change(k, center, previous.center))))"
            }.joined(separator: ", "))
        }
        switch grouping {
        case .agent:
            var table = Table(["agent", "name", "team", "tier", ">dials", ">contacts", ">contact %", ">effective", ">talk min", ">avg talk s",
                               ">allocated", ">worked", ">usage", ">proposals", ">sales", ">premium", ">avg premium", ">premium/lead", ">conversion",
                               ">calls att.", ">calls/day att.", ">proposals att.", ">sales att.", ">attainment", ">referrals", ">121 done", ">rank", "flags"])
            func row(_ f: AgentFigures, by: Attainment?, code: String, rank: String) -> [String] {
                [code, f.name, f.team, code == centerName ? "" : f.tier.rawValue, String(f.dials), String(f.contacts), Render.percent(f.contactRate),
                 String(f.effectiveCalls), Render.number(f.talkMinutes), f.averageTalkSeconds.map { Render.number($0, digits: 0) } ?? "-",
                 String(f.leadsAllocated), String(f.leadsWorked), Render.percent(f.dataUsageRate), String(f.proposals), String(f.sales), money(f.premium),
                 money(f.averagePremium), money(f.premiumPerLead), Render.percent(f.conversionRate),
                 Render.percent(by?.effectiveCalls), Render.percent(by?.dailyEffectiveCalls), Render.percent(by?.proposals), Render.percent(by?.sales),
                 Render.percent(f.attainment), referralsText(f), Render.percent(f.programme121Rate), rank, f.flags.joined(separator: " ")]
            }
            for f in agents { table.append(row(f, by: f.attainmentBy, code: f.agentCode, rank: String(f.rankInTeam))) }
            if !agents.isEmpty {
                let total = agentTotal
                table.append(row(agentsReferrals(total.figures), by: total.attainment, code: centerName, rank: ""))
            }
            table.footer = footer
            return table
        case .team:
            var columns = ["team", ">headcount", ">active sellers", ">举绩率", ">proposals", ">sales", ">人均件数", ">premium", ">件均保费", ">人均产能",
                           ">seats used", ">fyc", ">lead cost", ">pay cost", ">premium/yuan"]
            if previous != nil { columns += Self.keyFigures.flatMap { [">prev \($0.name)", ">\($0.name) Δ"] } }
            var table = Table(columns)
            func row(_ t: TeamFigures, name: String, before: TeamFigures?) -> [String] {
                var cells = [name, String(t.headcount), String(t.activeSellers), Render.percent(t.activeSellerRate), String(t.proposals), String(t.sales),
                             t.policiesPerAgent.map { Render.number($0, digits: 2) } ?? "-", money(t.premium), money(t.averagePremium),
                             money(t.premiumPerAgent), Render.percent(t.seatUtilization), money(t.fyc), money(t.leadCost),
                             money(t.payCost) + (t.payCostIncludesDraft ? "*" : ""), t.premiumPerYuan.map { Render.number($0, digits: 2) } ?? "-"]
                if previous != nil {
                    cells += Self.keyFigures.flatMap { k in [before.map(k.text) ?? "-", Self.changeText(Self.change(k, t, before))] }
                }
                return cells
            }
            for t in teams { table.append(row(t, name: t.team, before: previous?.teams.first { $0.team == t.team })) }
            table.append(row(center, name: centerName, before: previous?.center))
            if center.payCostIncludesDraft { footer.append("* pay cost includes a draft pay run") }
            table.footer = footer
            return table
        case .day:
            var table = Table(["day", ">dials", ">contacts", ">contact %", ">effective", ">sales", ">premium"])
            for d in days {
                table.append([d.day, String(d.dials), String(d.contacts), Render.percent(d.contactRate), String(d.effectiveCalls), String(d.sales), money(d.premium)])
            }
            table.footer = footer
            return table
        case .tier:
            var table = Table(["tier", ">headcount", ">active sellers", ">举绩率", ">sales", ">人均件数", ">premium", ">件均保费", ">premium share"])
            for t in tiers {
                table.append([t.tier.rawValue, String(t.headcount), String(t.activeSellers), Render.percent(t.activeSellerRate), String(t.sales),
                              t.policiesPerAgent.map { Render.number($0, digits: 2) } ?? "-", money(t.premium), money(t.averagePremium),
                              Render.percent(t.premiumShare)])
            }
            table.footer = footer
            return table
        case .leadClass:
            return classTable(footer: footer)
        }
    }
}
