import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// Who a policy covers.
public enum Insured: String, Codable, CaseIterable, Sendable {
    case `self`, spouse, child, parent
}

/// Where a policy stands (`policy.status`): in force, cancelled in its free-look period, or lapsed
/// for an unpaid renewal premium.
public enum PolicyStatus: String, Codable, CaseIterable, Sendable {
    case inForce = "in_force"
    case cancelled, lapsed
}

/// A sale as the agent records it.
public struct SaleInput: Sendable {
    public var product: String
    /// The annual premium.
    public var premium: Money
    public var insured: Insured
    public var insuredAge: Int?
    public var monthly: Bool

    public init(product: String, premium: Money, insured: Insured = .self, insuredAge: Int? = nil, monthly: Bool = false) {
        self.product = product
        self.premium = premium
        self.insured = insured
        self.insuredAge = insuredAge
        self.monthly = monthly
    }
}

/// A policy, as reports and queues read it.
public struct Policy: Codable, Equatable, Sendable, FetchableRecord {
    public var id: Int64
    public var leadID: Int64
    public var agentCode: String
    public var product: String
    public var line: String
    public var premiumFen: Int64
    public var mode: String
    public var insured: String
    public var insuredAge: Int?
    public var soldAt: String
    public var status: String
    public var stabilizedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, product, line, mode, insured, status
        case leadID = "lead_id"
        case agentCode = "agent_code"
        case premiumFen = "premium_fen"
        case insuredAge = "insured_age"
        case soldAt = "sold_at"
        case stabilizedAt = "stabilized_at"
    }

    /// A row of `Sales.policySelect`. Each column through `StoredValue`: GRDB's Codable decoding
    /// gives an error that names neither table nor row for text in an integer column.
    public init(row: Row) throws {
        let table = "policy"
        id = try StoredValue.int64(row, "id", table: table)
        leadID = try StoredValue.int64(row, "lead_id", table: table)
        agentCode = try StoredValue.string(row, "agent_code", table: table)
        product = try StoredValue.string(row, "product", table: table)
        line = try StoredValue.string(row, "line", table: table)
        premiumFen = try StoredValue.money(row, "premium_fen", table: table).fen
        mode = try StoredValue.string(row, "mode", table: table)
        insured = try StoredValue.string(row, "insured", table: table)
        insuredAge = try StoredValue.optional(Int.self, row, "insured_age", table: table)
        soldAt = try StoredValue.string(row, "sold_at", table: table)
        status = try StoredValue.string(row, "status", table: table)
        stabilizedAt = try StoredValue.optional(String.self, row, "stabilized_at", table: table)
    }
}

/// Policies: sales, stabilisation (稳单) and free-look cancellations (SPEC section 7).
public struct Sales {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// The highest policy id, 0 when there is none: what a calls import's sales come after.
    public static func lastPolicyID(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM policy") ?? 0
    }

    /// The catalog's product with this code, or an error listing the codes.
    public func product(_ code: String) throws -> Product {
        guard let product = settings.products.first(where: { $0.code == code.uppercased() }) else {
            throw CallOpsError.notFound(kind: "product", key: code, hint: "the catalog has \(settings.products.map(\.code).joined(separator: ", "))")
        }
        return product
    }

    /// Creates a policy on `lead` sold by `agent`; the lead is won. Returns the policy id.
    @discardableResult
    public func create(_ db: Database, lead: LeadProgress.Snapshot, agent: Agent, sale: SaleInput, at: Date) throws -> Int64 {
        // A sale dated on or after the day its agent left is not theirs (`sales record` by an
        // agent who has left; the calls import refuses such a call before it comes here).
        if let away = try Roster.absence(db, agent: agent, on: clock.civilDay(at)) {
            throw CallRecorder.awayRefusal(away, agent: agent.code, day: clock.civilDay(at))
        }
        let (product, age) = try check(sale, leadAge: lead.age)
        let commission = Money(fenClamping: Double(sale.premium.fen) * product.commissionRate)
        let mode: PremiumMode = sale.monthly ? .monthly : .annual
        // The record's insert runs through GRDB's statement cache: preparing the statement compiles
        // the policy table's `activity_day` triggers, and prepared once per sale that was about 9% of
        // a bulk calls import's CPU (perf, 100,000 calls, 2026-11-29).
        var policy = StoredPolicy(leadID: lead.id, agentID: agent.id, product: product.code, line: product.line, premium: sale.premium, mode: mode,
                                  insured: sale.insured, insuredAge: age, commission: commission, soldAt: clock.timestamp(at),
                                  nextDueOn: RenewalRules.dueDay(soldOn: CivilDay(clock.day(at))!, mode: mode, installment: 1))
        try policy.insert(db)
        let id = policy.id!
        let current = try LeadProgress.lead(db, id: lead.id)!
        if current.status != "won" {
            try LeadLedger.close(db, lead: lead.id, agent: agent.id, status: .won, reason: "sold \(product.code) by \(agent.code)",
                                 clock: clock.moved(to: at))
        }
        try LeadProgress.addPremium(db, lead: lead.id, premium: sale.premium)
        return id
    }

    /// The sale's product and the insured's age, or why the sale cannot be made (unknown
    /// product, no premium, an age the product does not insure): what `create` checks first.
    func check(_ sale: SaleInput, leadAge: Int?) throws -> (Product, Int?) {
        let product = try product(sale.product)
        guard sale.premium.fen > 0, sale.premium.yuan <= Money.maximumYuan else {
            throw CallOpsError.invalidValue(field: "premium", value: sale.premium.description, expected: "a premium above 0 yuan, up to 100,000,000")
        }
        let age = sale.insuredAge ?? (sale.insured == .self ? leadAge : nil)
        if let age, !(product.minAge...product.maxAge).contains(age) {
            throw CallOpsError.refused("\(product.code) (\(product.name)) insures ages \(product.minAge)–\(product.maxAge); the insured is \(age); choose another product")
        }
        return (product, age)
    }

    /// Cancels a policy inside the free-look period (the pay run claws back its commission).
    public func cancel(_ db: Database, policy id: Int64, reason: String) throws {
        guard var policy = try StoredPolicy.fetchOne(db, key: id) else {
            throw CallOpsError.notFound(kind: "policy", key: String(id), hint: "policy ids are printed by `callops sales record`")
        }
        guard policy.status == .inForce else {
            throw CallOpsError.refused("policy \(id) is \(policy.status.rawValue), not in force; nothing was changed")
        }
        let sold = try StoredValue.time(policy.soldAt, clock: clock, table: "policy", column: "sold_at", id: id)
        // The premium is taken off the lead's total: one past every entry point's range (another tool's) is the named error.
        try StoredValue.checked(policy.premium.fen, in: StoredValue.fenRange, table: "policy", column: "premium_fen", id: id)
        let lastDay = clock.adding(days: settings.sales.freeLookDays, to: clock.startOfDay(sold))
        guard clock.now < lastDay else {
            throw CallOpsError.refused("policy \(id) was sold on \(clock.day(sold)); its \(settings.sales.freeLookDays)-day free-look ended on \(clock.day(clock.adding(days: -1, to: lastDay))); a later cancellation is a surrender, not handled here")
        }
        policy.status = .cancelled
        policy.cancelledAt = clock.nowTimestamp
        policy.cancelReason = reason
        try policy.update(db, columns: [StoredPolicy.CodingKeys.status.rawValue, StoredPolicy.CodingKeys.cancelledAt.rawValue,
                                        StoredPolicy.CodingKeys.cancelReason.rawValue])
        try LeadProgress.removePremium(db, lead: policy.leadID, premium: policy.premium)
    }

    /// Policies in force sold in [soldFrom, soldTo).
    public func policies(_ db: Database, soldFrom: String, soldTo: String) throws -> [Policy] {
        try Self.withSellers(db, Row.fetchAll(db, sql: Self.policySelect + """
             WHERE policy.status = 'in_force' AND sold_at >= ? AND sold_at < ? ORDER BY policy.id
            """, arguments: [soldFrom, soldTo]))
    }

    /// Policies whose stabilisation call is due now: sold `stabilization_days` ago or more, still
    /// inside free-look, in force, not yet called; of the customers the agent serves.
    public func stabilizationsDue(_ db: Database, agent: Int64) throws -> [Policy] {
        let dueSince = clock.timestamp(clock.adding(days: -settings.sales.stabilizationDays, to: clock.now))
        let freeLookFrom = clock.timestamp(clock.adding(days: -settings.sales.freeLookDays, to: clock.startOfDay(clock.now)))
        return try Self.withSellers(db, Row.fetchAll(db.cachedStatement(sql: Self.policySelect + """
             WHERE policy.servicing_agent_id = ? AND policy.status = 'in_force' AND stabilized_at IS NULL AND sold_at <= ? AND sold_at > ?
            ORDER BY sold_at
            """), arguments: [agent, dueSince, freeLookFrom]))
    }

    /// A `Policy` row with the seller's id; `withSellers` puts in the code from the roster.
    static let policySelect = """
        SELECT policy.id, lead_id, '' AS agent_code, agent_id, product, line, premium_fen, mode, insured, insured_age, sold_at,
               policy.status, stabilized_at
        FROM policy
        """

    /// The policies of rows read with `policySelect`, each with its seller's agent code.
    static func withSellers(_ db: Database, _ rows: [Row]) throws -> [Policy] {
        let sellers = try rows.map { try StoredValue.int64($0, "agent_id", table: "policy") }
        let codes = try Roster.codes(db, ids: sellers)
        return try zip(rows, sellers).map { row, seller in
            var policy = try Policy(row: row)
            policy.agentCode = codes[seller] ?? ""
            return policy
        }
    }
}

extension Sales {
    /// Leads with a policy not cancelled: the customers sold so far (plan sizing's leads per sale).
    public static func customersSold(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT lead_id) FROM policy WHERE status <> 'cancelled'") ?? 0
    }
}

extension Sales {
    /// The tier's sales (`TierSales`, which every command passes to `Roster.tiers`): each agent's
    /// policies issued in `month` and not cancelled in free-look by the end of `asOf`, with their
    /// first-year commission (stored at sale by the product's rate). One grouped query per
    /// resolution (an index range on `sold_at`), not one per agent; the policy guard first, since
    /// SUM reads a text commission as 0 (a lower tier) and the range skips a bad `sold_at`.
    public static func tierSales(_ db: Database, month: CivilMonth, asOf: CivilDay) throws -> [Int64: MonthSales] {
        try verifyAggregatedColumns(db)
        var sales: [Int64: MonthSales] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT agent_id, COUNT(*) AS policies, SUM(commission_fen) AS fyc, MIN(id) AS id FROM policy
            WHERE sold_at >= ? AND sold_at < ? AND NOT (status = 'cancelled' AND COALESCE(cancelled_at, '') < ?)
            GROUP BY agent_id
            """, arguments: [month.firstDay.description, month.adding(months: 1).firstDay.description, asOf.adding(days: 1).description])
        while let row = try rows.next() {
            sales[try StoredValue.int64(row, "agent_id", table: "policy")] = MonthSales(
                policies: Int(try StoredValue.int64(row, "policies", table: "policy")), fyc: Money(fen: try StoredValue.int64(row, "fyc", table: "policy")))
        }
        return sales
    }
}
