import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// How a policy's premium is paid: once a year, or each month.
public enum PremiumMode: String, Codable, CaseIterable, Sendable {
    case annual, monthly
}

/// The premium calendar of a policy (SPEC section 9, operations and renewals): pure rules.
/// The first premium is paid at the sale; renewal premium k (k = 1, 2, ...) falls due k years
/// (annual) or k months (monthly) after the sale day, counted from the sale day each time, so a
/// policy sold on the 31st is due on the 31st again whenever the month has one. A premium
/// unpaid on its due day has `graceDays` of grace; the day after, the policy lapses.
public enum RenewalRules {
    public static func dueDay(soldOn: CivilDay, mode: PremiumMode, installment: Int) -> CivilDay {
        soldOn.adding(months: mode == .annual ? 12 * installment : installment)
    }

    /// One premium: the annual premium, or a twelfth of it (to the fen) for a monthly policy.
    public static func installment(annualPremium: Money, mode: PremiumMode) -> Money {
        mode == .annual ? annualPremium : Money(fen: annualPremium.fen / 12 + (annualPremium.fen % 12 + 6) / 12)
    }

    /// The first day without cover when the premium due on `due` is not paid.
    public static func lapseDay(due: CivilDay, graceDays: Int) -> CivilDay {
        due.adding(days: graceDays + 1)
    }

    /// Premium still in force over premium issued; nil when nothing was issued.
    public static func rate(_ part: Money, of whole: Money) -> Double? {
        whole.fen > 0 ? Double(part.fen) / Double(whole.fen) : nil
    }
}

/// A renewal premium to collect.
public struct DuePremium: Encodable, Equatable, Sendable {
    public var policyID: Int64
    public var leadID: Int64
    public var agentCode: String
    public var team: String
    public var customer: String?
    public var product: String
    public var mode: String
    public var installment: Int
    public var amount: Money
    public var dueOn: String
    /// The last day of grace.
    public var graceUntil: String
    /// Days past due (0 or less: not yet due).
    public var daysOverdue: Int

    enum CodingKeys: String, CodingKey {
        case product, mode, installment, amount, team, customer
        case policyID = "policy_id"
        case leadID = "lead_id"
        case agentCode = "agent_code"
        case dueOn = "due_on"
        case graceUntil = "grace_until"
        case daysOverdue = "days_overdue"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(policyID, forKey: .policyID)
        try c.encode(leadID, forKey: .leadID)
        try c.encode(agentCode, forKey: .agentCode)
        try c.encode(team, forKey: .team)
        try c.encode(customer, forKey: .customer)
        try c.encode(product, forKey: .product)
        try c.encode(mode, forKey: .mode)
        try c.encode(installment, forKey: .installment)
        try c.encode(amount.yuan, forKey: .amount)
        try c.encode(dueOn, forKey: .dueOn)
        try c.encode(graceUntil, forKey: .graceUntil)
        try c.encode(daysOverdue, forKey: .daysOverdue)
    }
}

/// A policy sold more than `delivery_days` ago and not yet delivered.
public struct LateDelivery: Encodable, Equatable, Sendable {
    public var policyID: Int64
    public var agentCode: String
    public var customer: String?
    public var product: String
    public var soldOn: String
    public var daysSinceSale: Int

    enum CodingKeys: String, CodingKey {
        case product, customer
        case policyID = "policy_id"
        case agentCode = "agent_code"
        case soldOn = "sold_on"
        case daysSinceSale = "days_since_sale"
    }
}

/// The operations desk (运营续期岗): delivery, renewal premiums, lapses, persistency.
public struct Renewals {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    var today: CivilDay { clock.civilToday }
    var rules: Settings.RenewalRules { settings.renewals }

    /// Lapses every policy in force whose premium is unpaid past its grace, as of today; returns
    /// how many. Each command that reads renewals runs it first, so they all see today's state.
    @discardableResult
    public func applyLapses(_ db: Database) throws -> Int {
        // Lapsed when today >= due + grace + 1, that is due < today - grace.
        let before = today.adding(days: -rules.graceDays).description
        let rows = try Row.fetchAll(db, sql: "SELECT id, next_due_on FROM policy WHERE status = 'in_force' AND next_due_on < ?", arguments: [before])
        for row in rows {
            let lapsed = try RenewalRules.lapseDay(due: StoredValue.day(row, "next_due_on", table: "policy"), graceDays: rules.graceDays)
            try db.execute(sql: "UPDATE policy SET status = 'lapsed', lapsed_on = ? WHERE id = ?", arguments: [lapsed.description, try StoredValue.int64(row, "id", table: "policy")])
        }
        return rows.count
    }

    /// A `WITH` clause that reads `policy` as of today: a policy in force whose premium is unpaid
    /// past its grace reads as lapsed, on the day after its grace, as `applyLapses` will write
    /// it. Reports put it before their SQL so that they only read (a read-only file works).
    var policyAsOfToday: String {
        // Lapsed when today >= due + grace + 1, that is due < today - grace.
        let before = today.adding(days: -rules.graceDays).description
        let past = "status = 'in_force' AND next_due_on < '\(before)'"
        return """
            WITH policy AS (
                SELECT id, lead_id, agent_id, servicing_agent_id, product, premium_fen, mode, sold_at, renewals_paid, next_due_on,
                       CASE WHEN \(past) THEN 'lapsed' ELSE status END AS status,
                       CASE WHEN \(past) THEN date(next_due_on, '+\(rules.graceDays + 1) days') ELSE lapsed_on END AS lapsed_on
                FROM main.policy)

            """
    }

    /// Policies in force whose premium is unpaid past its grace: lapsed today, written by the
    /// nightly run (`applyLapses`).
    public func lapsedUnwritten(_ db: Database) throws -> Int {
        let before = today.adding(days: -rules.graceDays).description
        return try Int.fetchOne(db, sql: "SELECT count(*) FROM policy WHERE status = 'in_force' AND next_due_on < ?", arguments: [before]) ?? 0
    }

    /// Renewal premiums of policies in force due within `days` from today, overdue ones (in
    /// grace) first; the customers one agent serves (the servicing agent, SPEC section 7), or
    /// everyone's, each under its servicing agent. A premium past its grace is left out even
    /// before the nightly run marks its policy lapsed.
    public func due(_ db: Database, within days: Int, agent: Int64? = nil) throws -> [DuePremium] {
        // An unknown status or a missing next premium day would leave a policy out unseen: the guard first.
        try Sales.verifyAggregatedColumns(db, servicingAgent: agent)
        let until = today.adding(days: days).description
        let graceFrom = today.adding(days: -rules.graceDays).description
        var sql = """
            SELECT policy.id, policy.lead_id, policy.servicing_agent_id, product, mode, policy.premium_fen, renewals_paid, next_due_on
            FROM policy
            WHERE policy.status = 'in_force' AND next_due_on BETWEEN ? AND ?
            """
        var arguments: StatementArguments = [graceFrom, until]
        if let agent {
            sql += " AND policy.servicing_agent_id = ?"
            arguments += [agent]
        }
        sql += " ORDER BY next_due_on, policy.id"
        let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
        let agents = try Roster.labels(db, ids: rows.compactMap { try StoredValue.optionalInt64($0, "servicing_agent_id", table: "policy") })
        let customers = try Leads.names(db, ids: rows.map { try StoredValue.int64($0, "lead_id", table: "policy") })
        return try rows.compactMap { row in
            guard let id = try StoredValue.optionalInt64(row, "servicing_agent_id", table: "policy"), let agent = agents[id] else { return nil }
            let lead = try StoredValue.int64(row, "lead_id", table: "policy")
            let due = try StoredValue.day(row, "next_due_on", table: "policy")
            let mode = try StoredValue.enum(PremiumMode.self, row, "mode", table: "policy")
            return DuePremium(
                policyID: try StoredValue.int64(row, "id", table: "policy"), leadID: lead, agentCode: agent.code, team: agent.team, customer: customers[lead],
                product: try StoredValue.string(row, "product", table: "policy"),
                mode: mode.rawValue, installment: try StoredValue.count(row, "renewals_paid", table: "policy") + 1,
                amount: RenewalRules.installment(annualPremium: try StoredValue.money(row, "premium_fen", table: "policy"), mode: mode), dueOn: due.description,
                graceUntil: due.adding(days: rules.graceDays).description, daysOverdue: due.days(to: today))
        }
    }

    /// What a collection did.
    public struct Collection: Encodable, Equatable, Sendable {
        public var policyID: Int64
        public var installment: Int
        public var amount: Money
        public var dueOn: String
        public var paidOn: String
        public var nextDueOn: String

        enum CodingKeys: String, CodingKey {
            case installment
            case policyID = "policy_id"
            case amount
            case dueOn = "due_on"
            case paidOn = "paid_on"
            case nextDueOn = "next_due_on"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(policyID, forKey: .policyID)
            try c.encode(installment, forKey: .installment)
            try c.encode(amount.yuan, forKey: .amount)
            try c.encode(dueOn, forKey: .dueOn)
            try c.encode(paidOn, forKey: .paidOn)
            try c.encode(nextDueOn, forKey: .nextDueOn)
        }
    }

    /// Records the next renewal premium of `policy` as paid on `day` (today unless given). The
    /// amount must be the premium due; a premium is taken at most `advance_days` early, never
    /// on or after the day the policy lapses, never in the future.
    /// A premium paid in its grace but recorded after the policy was marked lapsed undoes the lapse.
    public func collect(_ db: Database, policy id: Int64, amount: Money, on day: CivilDay? = nil) throws -> Collection {
        let paid = day ?? today
        guard paid <= today else {
            throw CallOpsError.invalidValue(field: "--date", value: paid.description, expected: "a day no later than today (\(today))")
        }
        let row = try policyRow(db, id)
        var status = try StoredValue.enum(PolicyStatus.self, row, "status", table: "policy")
        if status == .lapsed, let lapsedOn = try StoredValue.optionalDay(row, "lapsed_on", table: "policy"), paid < lapsedOn {
            status = .inForce
            try db.execute(sql: "UPDATE policy SET status = 'in_force', lapsed_on = NULL WHERE id = ?", arguments: [id])
        }
        guard status == .inForce else {
            let when = try StoredValue.optionalDay(row, "lapsed_on", table: "policy").map { " on \($0)" } ?? ""
            throw CallOpsError.refused("policy \(id) is \(status.rawValue)\(when); nothing was collected (reinstating a lapsed policy is not handled here)")
        }
        let mode = try StoredValue.enum(PremiumMode.self, row, "mode", table: "policy")
        let installment = try StoredValue.count(row, "renewals_paid", table: "policy") + 1
        let due = try StoredValue.day(row, "next_due_on", table: "policy")
        let expected = RenewalRules.installment(annualPremium: try StoredValue.money(row, "premium_fen", table: "policy"), mode: mode)
        guard amount == expected else {
            throw CallOpsError.invalidValue(field: "--amount", value: amount.description,
                                            expected: "premium \(installment) of policy \(id): \(expected) yuan, due on \(due)")
        }
        guard try paid >= StoredValue.day(row, "sold_at", table: "policy") else {
            throw CallOpsError.invalidValue(field: "--date", value: paid.description, expected: "a day on or after the sale (\(try StoredValue.string(row, "sold_at", table: "policy")))")
        }
        guard paid.days(to: due) <= rules.advanceDays else {
            throw CallOpsError.refused("premium \(installment) of policy \(id) is due on \(due); it is taken at most \(rules.advanceDays) days early, from \(due.adding(days: -rules.advanceDays)); nothing was collected")
        }
        guard paid < RenewalRules.lapseDay(due: due, graceDays: rules.graceDays) else {
            throw CallOpsError.refused("policy \(id) lapsed on \(RenewalRules.lapseDay(due: due, graceDays: rules.graceDays)), before \(paid); nothing was collected")
        }
        let soldOn = try StoredValue.day(row, "sold_at", table: "policy")
        let next = RenewalRules.dueDay(soldOn: soldOn, mode: mode, installment: installment + 1)
        var payment = RenewalPayment(policyID: id, installment: installment, dueOn: due, amount: amount, paidOn: paid, recordedAt: clock.nowTimestamp)
        try payment.insert(db)
        try db.execute(sql: "UPDATE policy SET renewals_paid = ?, next_due_on = ? WHERE id = ?", arguments: [installment, next.description, id])
        return Collection(policyID: id, installment: installment, amount: amount, dueOn: due.description, paidOn: paid.description,
                          nextDueOn: next.description)
    }

    /// Records that `policy` reached the customer on `day` (today unless given).
    public func deliver(_ db: Database, policy id: Int64, on day: CivilDay? = nil) throws {
        let delivered = day ?? today
        guard delivered <= today else {
            throw CallOpsError.invalidValue(field: "--date", value: delivered.description, expected: "a day no later than today (\(today))")
        }
        let row = try policyRow(db, id)
        guard try StoredValue.enum(PolicyStatus.self, row, "status", table: "policy") != .cancelled else {
            throw CallOpsError.refused("policy \(id) was cancelled in its free-look period; there is nothing to deliver")
        }
        if let earlier = try PolicyDelivery.fetchOne(db, key: id) {
            throw CallOpsError.refused("policy \(id) was delivered on \(earlier.deliveredOn); nothing was changed")
        }
        guard try delivered >= StoredValue.day(row, "sold_at", table: "policy") else {
            throw CallOpsError.invalidValue(field: "--date", value: delivered.description, expected: "a day on or after the sale (\(try StoredValue.string(row, "sold_at", table: "policy")))")
        }
        try PolicyDelivery(policyID: id, deliveredOn: delivered, recordedAt: clock.nowTimestamp).insert(db)
    }

    /// Policies in force or lapsed sold more than `delivery_days` ago and not delivered, oldest first.
    public func lateDeliveries(_ db: Database) throws -> [LateDelivery] {
        try undelivered(db, soldBefore: today.adding(days: -rules.deliveryDays))
    }

    /// Policies not cancelled, not delivered, sold before `day`, oldest first.
    public func undelivered(_ db: Database, soldBefore day: CivilDay) throws -> [LateDelivery] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT policy.id, policy.agent_id, policy.lead_id, product, sold_at
            FROM policy LEFT JOIN policy_delivery ON policy_delivery.policy_id = policy.id
            WHERE policy_delivery.policy_id IS NULL AND policy.status <> 'cancelled' AND sold_at < ?
            ORDER BY sold_at, policy.id
            """, arguments: [day.description])
        let sellers = try Roster.codes(db, ids: rows.map { try StoredValue.int64($0, "agent_id", table: "policy") })
        let customers = try Leads.names(db, ids: rows.map { try StoredValue.int64($0, "lead_id", table: "policy") })
        return try rows.compactMap { row in
            guard let seller = sellers[try StoredValue.int64(row, "agent_id", table: "policy")] else { return nil }
            let sold = try StoredValue.day(row, "sold_at", table: "policy")
            return LateDelivery(policyID: try StoredValue.int64(row, "id", table: "policy"), agentCode: seller,
                                customer: customers[try StoredValue.int64(row, "lead_id", table: "policy")], product: try StoredValue.string(row, "product", table: "policy"),
                                soldOn: sold.description, daysSinceSale: sold.days(to: today))
        }
    }

    private func policyRow(_ db: Database, _ id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, status, mode, premium_fen, renewals_paid, next_due_on, sold_at, lapsed_on FROM policy WHERE id = ?
            """, arguments: [id]) else {
            throw CallOpsError.notFound(kind: "policy", key: String(id), hint: "policy ids are printed by `callops sales record` and `callops renewals due`")
        }
        return row
    }
}

extension DuePremium: TabularRow {
    public static var blank: DuePremium {
        DuePremium(policyID: 0, leadID: 0, agentCode: "", team: "", customer: "", product: "", mode: "", installment: 0, amount: .zero,
                   dueOn: "", graceUntil: "", daysOverdue: 0)
    }
}

extension LateDelivery: TabularRow {
    public static var blank: LateDelivery { LateDelivery(policyID: 0, agentCode: "", customer: "", product: "", soldOn: "", daysSinceSale: 0) }
}
