import CallOpsCore
import FollowUp
import Foundation

extension SeatReport: Encodable {
    enum Keys: String, CodingKey { case from, to, agents, teams, days }

    /// SPEC section 13's contract: money in yuan, rates as fractions, null where undefined.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(agents.map(AgentJSON.init), forKey: .agents)
        try c.encode(teams.map(TeamJSON.init), forKey: .teams)
        if !days.isEmpty { try c.encode(days.map(DayJSON.init), forKey: .days) }
    }

    struct AgentJSON: Encodable {
        let f: AgentFigures
        enum K: String, CodingKey {
            case agentCode = "agent_code", name, team, tier, dials, contacts, contactRate = "contact_rate", effectiveCalls = "effective_calls"
            case talkMinutes = "talk_minutes", avgTalkSeconds = "avg_talk_seconds", leadsAllocated = "leads_allocated"
            case leadsWorked = "leads_worked", sales, premium, avgPremium = "avg_premium", conversionRate = "conversion_rate"
            case premiumPerLead = "premium_per_lead", dataUsageRate = "data_usage_rate", attainment, rank, flags
            case referrals, referralsTarget = "referrals_target", programme121Rate = "programme_121_rate"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(f.agentCode, forKey: .agentCode)
            try c.encode(f.name, forKey: .name)
            try c.encode(f.team, forKey: .team)
            try c.encode(f.tier.rawValue, forKey: .tier)
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
            try c.encode(f.rankInTeam, forKey: .rank)
            try c.encode(f.flags, forKey: .flags)
            try c.encode(f.referrals, forKey: .referrals)
            try c.encode(f.referralsTarget, forKey: .referralsTarget)
            try c.encode(f.programme121Rate, forKey: .programme121Rate)
        }
    }

    struct TeamJSON: Encodable {
        let t: TeamFigures
        enum K: String, CodingKey {
            case team, headcount, activeSellers = "active_sellers", activeSellerRate = "active_seller_rate", sales, premium
            case policiesPerAgent = "policies_per_agent", avgPremium = "avg_premium", premiumPerAgent = "premium_per_agent"
            case seatUtilization = "seat_utilization"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(t.team, forKey: .team)
            try c.encode(t.headcount, forKey: .headcount)
            try c.encode(t.activeSellers, forKey: .activeSellers)
            try c.encode(t.activeSellerRate, forKey: .activeSellerRate)
            try c.encode(t.sales, forKey: .sales)
            try c.encode(t.premium.yuan, forKey: .premium)
            try c.encode(t.policiesPerAgent, forKey: .policiesPerAgent)
            try c.encode(t.averagePremium?.yuan, forKey: .avgPremium)
            try c.encode(t.premiumPerAgent?.yuan, forKey: .premiumPerAgent)
            try c.encode(t.seatUtilization, forKey: .seatUtilization)
        }
    }

    struct DayJSON: Encodable {
        let d: DayActivity
        enum K: String, CodingKey { case day, dials, contacts, effectiveCalls = "effective_calls", sales, premium }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(d.day, forKey: .day)
            try c.encode(d.dials, forKey: .dials)
            try c.encode(d.contacts, forKey: .contacts)
            try c.encode(d.effectiveCalls, forKey: .effectiveCalls)
            try c.encode(d.sales, forKey: .sales)
            try c.encode(d.premium.yuan, forKey: .premium)
        }
    }

    /// How the table groups: per agent, per team or per day.
    public enum Grouping: String, CaseIterable, Sendable { case agent, team, day }

    /// The report as rows for a terminal or CSV.
    public func table(by grouping: Grouping) -> Table {
        func money(_ m: Money?) -> String { m?.description ?? "-" }
        switch grouping {
        case .agent:
            var table = Table(["agent", "name", "team", "tier", ">dials", ">contacts", ">contact %", ">effective", ">talk min", ">avg talk s",
                               ">allocated", ">worked", ">usage", ">sales", ">premium", ">avg premium", ">premium/lead", ">conversion", ">attainment",
                               ">rank", "flags"])
            for f in agents {
                table.append([f.agentCode, f.name, f.team, f.tier.rawValue, String(f.dials), String(f.contacts), Render.percent(f.contactRate),
                              String(f.effectiveCalls), Render.number(f.talkMinutes), f.averageTalkSeconds.map { Render.number($0, digits: 0) } ?? "-",
                              String(f.leadsAllocated), String(f.leadsWorked), Render.percent(f.dataUsageRate), String(f.sales), money(f.premium),
                              money(f.averagePremium), money(f.premiumPerLead), Render.percent(f.conversionRate), Render.percent(f.attainment),
                              String(f.rankInTeam),
                              f.flags.joined(separator: " ")])
            }
            table.footer = ["period \(from) to \(to)"]
            return table
        case .team:
            var table = Table(["team", ">headcount", ">active sellers", ">举绩率", ">sales", ">人均件数", ">premium", ">件均保费", ">人均产能", ">seats used"])
            for t in teams {
                table.append([t.team, String(t.headcount), String(t.activeSellers), Render.percent(t.activeSellerRate), String(t.sales),
                              t.policiesPerAgent.map { Render.number($0, digits: 2) } ?? "-", money(t.premium), money(t.averagePremium),
                              money(t.premiumPerAgent), Render.percent(t.seatUtilization)])
            }
            table.footer = ["period \(from) to \(to)"]
            return table
        case .day:
            var table = Table(["day", ">dials", ">contacts", ">effective", ">sales", ">premium"])
            for d in days {
                table.append([d.day, String(d.dials), String(d.contacts), String(d.effectiveCalls), String(d.sales), money(d.premium)])
            }
            table.footer = ["period \(from) to \(to)"]
            return table
        }
    }
}
