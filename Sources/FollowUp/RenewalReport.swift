import CallOpsCore
import CallOpsStore
import Foundation
import Roster

/// One line of the renewals report: an agent, a team or the center.
public struct RenewalFigures: Encodable, Equatable, Sendable {
    public var agentCode: String?
    public var team: String?
    /// Renewal premiums that fell due in the period (up to today), paid or not.
    public var due = 0
    public var dueAmount = Money.zero
    /// Those of them paid.
    public var collected = 0
    public var collectedAmount = Money.zero
    /// Policies that lapsed in the period and their annual premium.
    public var lapses = 0
    public var lapsedPremium = Money.zero
    /// The cohort sold `persistency_months` before the period's month (free-look cancellations
    /// left out: they were never issued): premium issued, and premium still in force as many
    /// months after each sale.
    public var cohortIssued = Money.zero
    public var cohortInForce = Money.zero

    /// Collected over due, by amount.
    public var collectionRate: Double? { RenewalRules.rate(collectedAmount, of: dueAmount) }
    /// 13-month persistency (with the shipped settings).
    public var persistency: Double? { RenewalRules.rate(cohortInForce, of: cohortIssued) }

    var isEmpty: Bool { due == 0 && lapses == 0 && cohortIssued == .zero }

    mutating func add(_ other: RenewalFigures) {
        due += other.due
        dueAmount += other.dueAmount
        collected += other.collected
        collectedAmount += other.collectedAmount
        lapses += other.lapses
        lapsedPremium += other.lapsedPremium
        cohortIssued += other.cohortIssued
        cohortInForce += other.cohortInForce
    }

    enum CodingKeys: String, CodingKey {
        case agentCode = "agent_code", team, due, collected, lapses
        case dueAmount = "due_amount", collectedAmount = "collected_amount", collectionRate = "collection_rate"
        case lapsedPremium = "lapsed_premium", cohortIssued = "cohort_issued", cohortInForce = "cohort_in_force", persistency
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(agentCode, forKey: .agentCode)
        try c.encode(team, forKey: .team)
        try c.encode(due, forKey: .due)
        try c.encode(dueAmount.yuan, forKey: .dueAmount)
        try c.encode(collected, forKey: .collected)
        try c.encode(collectedAmount.yuan, forKey: .collectedAmount)
        try c.encode(collectionRate, forKey: .collectionRate)
        try c.encode(lapses, forKey: .lapses)
        try c.encode(lapsedPremium.yuan, forKey: .lapsedPremium)
        try c.encode(cohortIssued.yuan, forKey: .cohortIssued)
        try c.encode(cohortInForce.yuan, forKey: .cohortInForce)
        try c.encode(persistency, forKey: .persistency)
    }
}

/// `callops renewals report`: collection, lapses and persistency per agent and team for a month.
public struct RenewalReport: Encodable, Equatable, Sendable {
    public var month: String
    /// The days counted: the month, up to today for the current month.
    public var from: String
    public var to: String
    public var cohortMonth: String
    public var agents: [RenewalFigures]
    public var teams: [RenewalFigures]
    public var center: RenewalFigures
    public var lateDeliveries: [LateDelivery]

    enum CodingKeys: String, CodingKey {
        case month, from, to, agents, teams, center
        case cohortMonth = "cohort_month"
        case lateDeliveries = "late_deliveries"
    }
}

extension Renewals {
    /// Per agent, the premium of the policies sold in the month holding `day` (free-look
    /// cancellations left out: never issued), and of those still in force `persistency_months`
    /// after each sale, with today's lapses counted whether or not they are written yet.
    func cohort(_ db: Database, soldIn day: CivilDay) throws -> [Int64: (issued: Money, inForce: Money)] {
        let first = day.firstOfMonth
        var result: [Int64: (issued: Money, inForce: Money)] = [:]
        for row in try Row.fetchAll(db, sql: policyAsOfToday + """
            SELECT id, agent_id, premium_fen, sold_at, status, lapsed_on FROM policy WHERE status <> 'cancelled' AND sold_at >= ? AND sold_at < ?
            """, arguments: [first.description, first.adding(months: 1).description]) {
            let premium = try StoredValue.money(row, "premium_fen", table: "policy")
            let measured = try StoredValue.day(row, "sold_at", table: "policy").adding(months: rules.persistencyMonths)
            let lapsedOn = try StoredValue.optionalDay(row, "lapsed_on", table: "policy")
            let inForce = try StoredValue.enum(PolicyStatus.self, row, "status", table: "policy") == .inForce || (lapsedOn.map { $0 > measured } ?? false)
            let agent = try StoredValue.int64(row, "agent_id", table: "policy")
            var line = result[agent, default: (.zero, .zero)]
            line.issued += premium
            if inForce { line.inForce += premium }
            result[agent] = line
        }
        return result
    }

    /// Each agent's persistency (13-month with the shipped settings) as measured in the month
    /// holding `day`: the cohort sold `persistency_months` before it; agents without one are absent.
    public func persistency(_ db: Database, month day: CivilDay) throws -> [Int64: Double] {
        try cohort(db, soldIn: day.firstOfMonth.adding(months: -rules.persistencyMonths)).compactMapValues {
            RenewalRules.rate($0.inForce, of: $0.issued)
        }
    }

    /// The report for the month holding `day` (today unless given). It only reads: a policy
    /// past its grace counts as lapsed before the nightly run writes the lapse.
    public func report(_ db: Database, month day: CivilDay? = nil) throws -> RenewalReport {
        let first = (day ?? today).firstOfMonth
        guard first <= today else {
            throw CallOpsError.invalidValue(field: "--month", value: first.monthText, expected: "this month (\(today.monthText)) or an earlier one")
        }
        let last = first.adding(months: 1).adding(days: -1)
        let to = min(last, today)
        let cohortFirst = first.adding(months: -rules.persistencyMonths)
        var figures: [Int64: RenewalFigures] = [:]
        let agents = try Roster.agents(db)
        for agent in agents { figures[agent.id] = RenewalFigures(agentCode: agent.code, team: agent.team) }
        let window: StatementArguments = [first.description, to.description]

        for row in try Row.fetchAll(db, sql: policyAsOfToday + """
            SELECT renewal_payment.id, policy.agent_id, renewal_payment.amount_fen FROM renewal_payment JOIN policy ON policy.id = renewal_payment.policy_id
            WHERE renewal_payment.due_on BETWEEN ? AND ?
            """, arguments: window) {
            // The row named is the payment's; its agent is its policy's.
            let amount = try StoredValue.money(row, "amount_fen", table: "renewal_payment")
            let agent = try StoredValue.int64(row, "agent_id", table: "policy")
            figures[agent, default: RenewalFigures()].due += 1
            figures[agent, default: RenewalFigures()].dueAmount += amount
            figures[agent, default: RenewalFigures()].collected += 1
            figures[agent, default: RenewalFigures()].collectedAmount += amount
        }
        // Unpaid premiums: from the next one due, every one falling due by the period's end (a
        // monthly policy in grace has more than one), up to the day its policy lapsed.
        for row in try Row.fetchAll(db, sql: policyAsOfToday + """
            SELECT id, agent_id, premium_fen, mode, sold_at, renewals_paid, lapsed_on FROM policy
            WHERE status IN ('in_force', 'lapsed') AND next_due_on <= ? AND (status = 'in_force' OR lapsed_on > ?)
            """, arguments: [to.description, first.description]) {
            let mode = try StoredValue.enum(PremiumMode.self, row, "mode", table: "policy")
            let amount = RenewalRules.installment(annualPremium: try StoredValue.money(row, "premium_fen", table: "policy"), mode: mode)
            let sold = try StoredValue.day(row, "sold_at", table: "policy")
            let lapsedOn = try StoredValue.optionalDay(row, "lapsed_on", table: "policy")
            let agent = try StoredValue.int64(row, "agent_id", table: "policy")
            var installment = try StoredValue.count(row, "renewals_paid", table: "policy") + 1
            while true {
                let due = RenewalRules.dueDay(soldOn: sold, mode: mode, installment: installment)
                if due > to || lapsedOn.map({ due >= $0 }) == true { break }
                if due >= first {
                    figures[agent, default: RenewalFigures()].due += 1
                    figures[agent, default: RenewalFigures()].dueAmount += amount
                }
                installment += 1
            }
        }
        for row in try Row.fetchAll(db, sql: policyAsOfToday + "SELECT id, agent_id, premium_fen FROM policy WHERE status = 'lapsed' AND lapsed_on BETWEEN ? AND ?",
                                    arguments: window) {
            let agent = try StoredValue.int64(row, "agent_id", table: "policy")
            figures[agent, default: RenewalFigures()].lapses += 1
            figures[agent, default: RenewalFigures()].lapsedPremium += try StoredValue.money(row, "premium_fen", table: "policy")
        }
        for (agent, cohort) in try cohort(db, soldIn: cohortFirst) {
            figures[agent, default: RenewalFigures()].cohortIssued += cohort.issued
            figures[agent, default: RenewalFigures()].cohortInForce += cohort.inForce
        }

        var agentLines: [RenewalFigures] = []
        var teamLines: [RenewalFigures] = []
        var center = RenewalFigures()
        for agent in agents {
            guard let line = figures[agent.id], !line.isEmpty else { continue }
            agentLines.append(line)
            if teamLines.last?.team != line.team { teamLines.append(RenewalFigures(team: line.team)) }
            teamLines[teamLines.count - 1].add(line)
            center.add(line)
        }
        return RenewalReport(month: first.monthText, from: first.description, to: to.description, cohortMonth: cohortFirst.monthText,
                             agents: agentLines, teams: teamLines, center: center, lateDeliveries: try lateDeliveries(db))
    }
}

extension RenewalFigures: TabularRow {
    public static var blank: RenewalFigures { RenewalFigures(agentCode: "", team: "") }
}
