import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// A touch of a customer programme (seed 003: 养客活动): an event, a gift, information sent, a
/// personal visit, or a call logged with `--purpose nurture` (kind `call`).
public enum TouchKind: String, Codable, CaseIterable, Sendable {
    case event, gift, info, visit, call
}

/// One customer's programme, as `customers programme` lists it (SPEC section 13).
public struct ProgrammeRow: Encodable, Equatable, Sendable {
    public var customer: Int64
    public var name: String?
    /// The servicing agent: programme work follows the customer after a departure.
    public var agentCode: String
    public var programme: ProgrammeKind
    public var windowStart: String
    public var windowEnd: String
    public var steps: Steps
    public var complete: Bool
    public var overdue: [ProgrammeStepName]
    public var due: [ProgrammeStepName]
    public var daysLeft: Int
    /// The earliest deadline of an undone step.
    public var nextDeadline: String?

    /// Each step's done and required, by SPEC section 13's names.
    public struct Steps: Encodable, Equatable, Sendable {
        public var care: ProgrammeStep
        public var touches: ProgrammeStep
        public var attempts: ProgrammeStep
        public var referrals: ProgrammeStep
    }

    enum CodingKeys: String, CodingKey {
        case customer, name, programme, steps, complete, overdue, due
        case agentCode = "agent_code"
        case windowStart = "window_start"
        case windowEnd = "window_end"
        case daysLeft = "days_left"
        case nextDeadline = "next_deadline"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(customer, forKey: .customer)
        try c.encode(name, forKey: .name)
        try c.encode(agentCode, forKey: .agentCode)
        try c.encode(programme, forKey: .programme)
        try c.encode(windowStart, forKey: .windowStart)
        try c.encode(windowEnd, forKey: .windowEnd)
        try c.encode(steps, forKey: .steps)
        try c.encode(complete, forKey: .complete)
        try c.encode(overdue, forKey: .overdue)
        try c.encode(due, forKey: .due)
        try c.encode(daysLeft, forKey: .daysLeft)
        try c.encode(nextDeadline, forKey: .nextDeadline)
    }
}

/// An agent's programme figures for the seat report.
public struct ProgrammeSeatFigures: Equatable, Sendable {
    /// Referral leads received in the period.
    public var referrals = 0
    /// New customers whose 121 window ended in the period (or who completed it early).
    public var due121 = 0
    /// Of those, the ones with 121 completed in time.
    public var completed121 = 0

    /// The share of due customers with 121 completed in time; nil when none was due.
    public var rate121: Double? { due121 > 0 ? Double(completed121) / Double(due121) : nil }
}

/// Customer programmes (SPEC section 7): touches, each customer's facts read in grouped queries,
/// and the rule of `Programme` applied to them.
public struct Programmes {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// `customer_touch`: the touches of customer programmes.
    static let migration = Migration("followup.programmes") { db in
        try db.execute(sql: """
            CREATE TABLE customer_touch (
                id INTEGER PRIMARY KEY,
                lead_id INTEGER NOT NULL REFERENCES lead(id),
                agent_id INTEGER NOT NULL REFERENCES agent(id),
                kind TEXT NOT NULL CHECK (kind IN ('event', 'gift', 'info', 'visit', 'call')),
                on_day TEXT NOT NULL,
                note TEXT,
                -- A nurture call's touch names its call.
                call_id INTEGER UNIQUE REFERENCES call(id),
                recorded_at TEXT NOT NULL
            );
            CREATE INDEX customer_touch_lead ON customer_touch(lead_id, on_day);
            """)
    }

    /// Records a touch on `day` (default today) by the customer's servicing agent. Refused for a
    /// lead that is no customer, a day in the future, or a day before the first policy.
    public func touch(_ db: Database, customer: Int64, kind: TouchKind, day: CivilDay?, note: String?) throws -> String {
        guard kind != .call else {
            throw CallOpsError.invalidValue(field: "--kind", value: "call", expected: "event, gift, info or visit (a nurture call is `calls log --purpose nurture`)")
        }
        try CustomerServicing.requireLead(db, customer)
        guard let serving = try CustomerServicing.servingAgent(db, customer: customer) else {
            throw CallOpsError.refused("lead \(customer) has no policy in force, so it is in no customer programme; nothing was changed")
        }
        let today = try today()
        let on = day ?? today
        guard on <= today else {
            throw CallOpsError.invalidValue(field: "--date", value: on.description, expected: "a day up to today (\(today)); a touch is recorded once done")
        }
        if let first = try firstSales(db, customer: customer).first?.value, on < first {
            throw CallOpsError.invalidValue(field: "--date", value: on.description, expected: "a day from the first policy's sale (\(first)) on")
        }
        let agent = try Roster.agent(db, code: serving)
        var touch = CustomerTouch(leadID: customer, agentID: agent.id, kind: kind, onDay: on, note: note, recordedAt: clock.nowTimestamp)
        try touch.insert(db)
        return serving
    }

    /// Marks a recorded call as a nurturing touch (`calls log --purpose nurture`) when it reached
    /// a customer; returns whether it counts.
    @discardableResult
    public func recordNurtureCall(_ db: Database, callID: String) throws -> Bool {
        guard let call = try Row.fetchOne(db, sql: "SELECT id, lead_id, agent_id, started_at, contact, note FROM call WHERE call_id = ?",
                                          arguments: [callID]) else { return false }
        let lead = try StoredValue.int64(call, "lead_id", table: "call")
        guard try StoredValue.value(Bool.self, call, "contact", table: "call"),
              try CustomerServicing.servingAgent(db, customer: lead) != nil else { return false }
        var touch = CustomerTouch(leadID: lead, agentID: try StoredValue.int64(call, "agent_id", table: "call"), kind: .call,
                                  onDay: try StoredValue.day(call, "started_at", table: "call"),
                                  note: try StoredValue.optional(String.self, call, "note", table: "call"),
                                  callID: try StoredValue.int64(call, "id", table: "call"), recordedAt: clock.nowTimestamp)
        try touch.insert(db)
        return true
    }

    /// Each customer's programme today, by customer: all customers, or those one of `agents` serves.
    public func rows(_ db: Database, agents: Set<Int64>? = nil, dueWithin: Int? = nil) throws -> [ProgrammeRow] {
        let today = try today()
        let customers = try customerFacts(db, agents: agents)
        let names = try CustomerLeads.names(db, ids: customers.map(\.customer))
        var codes: [Int64: String] = [:]
        var rows: [ProgrammeRow] = []
        for customer in customers {
            let window = Programme.window(firstSale: customer.facts.firstSale, on: today, rules: settings.programmes)
            let progress = Programme.progress(customer.facts, in: window, today: today, rules: settings.programmes, dueWithin: dueWithin)
            if dueWithin != nil && progress.due.isEmpty { continue }
            if codes[customer.agent] == nil { codes[customer.agent] = try Roster.agent(db, id: customer.agent).code }
            let steps = ProgrammeRow.Steps(care: progress.steps[.care]!, touches: progress.steps[.touches]!,
                                           attempts: progress.steps[.attempts]!, referrals: progress.steps[.referrals]!)
            rows.append(ProgrammeRow(
                customer: customer.customer, name: names[customer.customer] ?? nil, agentCode: codes[customer.agent]!, programme: window.kind,
                windowStart: window.start.description, windowEnd: window.end.description, steps: steps, complete: progress.complete,
                overdue: progress.overdue, due: progress.due, daysLeft: progress.daysLeft, nextDeadline: progress.nextDeadline?.description))
        }
        return rows
    }

    /// The programme contacts due for an agent's customers now, for the next-call queue: lead,
    /// the day it became due and the call's purpose.
    public func queueContacts(_ db: Database, agent: Int64) throws -> [(leadID: Int64, dueOn: String, purpose: String)] {
        let today = try today()
        // The queue runs many times a day, and a customer sold less than
        // `daysBeforeAnythingDue` ago (31 days by default) has nothing due: the facts are read only
        // when one of the agent's policies is older (all of a customer's policies share its
        // servicing agent; one index probe).
        let cutoff = today.adding(days: 1 - Programme.daysBeforeAnythingDue(rules: settings.programmes))
        guard try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM policy WHERE servicing_agent_id = ? AND sold_at < ? AND status <> 'cancelled' LIMIT 1
            """), arguments: [agent, cutoff.description]) == true else { return [] }
        return try customerFacts(db, agents: [agent]).compactMap { customer in
            let window = Programme.window(firstSale: customer.facts.firstSale, on: today, rules: settings.programmes)
            let progress = Programme.progress(customer.facts, in: window, today: today, rules: settings.programmes)
            guard !progress.due.isEmpty, let deadline = progress.nextDeadline else { return nil }
            let dueOn = max(window.start, deadline.adding(days: -settings.programmes.queueDays))
            let open = progress.due.map { name -> String in
                let step = progress.steps[name]!
                return "\(Self.words(name, window.kind)) \(step.done)/\(step.required)"
            }
            let late = progress.overdue.isEmpty ? "" : ", overdue: " + progress.overdue.map { Self.words($0, window.kind) }.joined(separator: ", ")
            return (customer.customer, dueOn.description,
                    "programme \(window.kind.rawValue): \(open.joined(separator: ", ")) by \(deadline)\(late)")
        }
    }

    /// Per agent, for the seat report's period (inclusive days): referrals received, and the new
    /// customers they serve whose 121 window ended in the period (or who completed it early),
    /// with how many completed it in time.
    public func seatFigures(_ db: Database, from: CivilDay, to: CivilDay) throws -> [Int64: ProgrammeSeatFigures] {
        let today = try today()
        var figures: [Int64: ProgrammeSeatFigures] = [:]
        let received = try CustomerLeads.referralsReceived(db, from: from.description, through: to.description + "T23:59:59")
        for (agent, count) in received { figures[agent, default: ProgrammeSeatFigures()].referrals = count }
        for customer in try customerFacts(db, agents: nil) {
            let end = customer.facts.firstSale.adding(days: settings.programmes.newCustomerDays)
            guard from <= end && end <= to else { continue }
            let complete = Programme.completedNewCustomer(customer.facts, rules: settings.programmes)
            guard complete || end < today else { continue }
            figures[customer.agent, default: ProgrammeSeatFigures()].due121 += 1
            if complete { figures[customer.agent, default: ProgrammeSeatFigures()].completed121 += 1 }
        }
        return figures
    }

    /// A step in words for the queue's purpose.
    static func words(_ step: ProgrammeStepName, _ kind: ProgrammeKind) -> String {
        switch step {
        case .care: return kind == .newCustomer ? "care contact" : "renewal service"
        case .touches: return kind == .newCustomer ? "nurturing touches" : "value-added touches"
        case .attempts: return "conversion attempt"
        case .referrals: return "referrals"
        }
    }

    private func today() throws -> CivilDay {
        guard let day = CivilDay(clock.day(clock.now)) else {
            throw CallOpsError.invalidValue(field: "--now", value: clock.nowTimestamp, expected: "a local time such as 2026-11-23T10:00")
        }
        return day
    }

    /// The first (not cancelled) policy's sale day of each customer, or of one.
    private func firstSales(_ db: Database, customer: Int64? = nil) throws -> [Int64: CivilDay] {
        var firsts: [Int64: CivilDay] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT lead_id, MIN(sold_at) AS first, id FROM policy WHERE status <> 'cancelled' AND (?1 IS NULL OR lead_id = ?1) GROUP BY lead_id
            """, arguments: [customer]) {
            // SQLite gives the bare `id` of the row that holds the MIN: the policy an error names.
            let first = try StoredValue.string(row, "first", table: "policy"), lead = try StoredValue.int64(row, "lead_id", table: "policy")
            let policy = try StoredValue.int64(row, "id", table: "policy")
            firsts[lead] = try StoredValue.day(String(first.prefix(10)), table: "policy", column: "sold_at", id: policy)
        }
        return firsts
    }

    /// One customer's facts and servicing agent.
    struct CustomerFacts {
        var customer: Int64
        var agent: Int64
        var facts: ProgrammeFacts
    }

    /// The facts of every customer (a lead with a policy in force), or of those one of `agents`
    /// serves, in a handful of grouped queries: calls after the first sale, touches, renewals,
    /// later policies and referrals.
    func customerFacts(_ db: Database, agents: Set<Int64>?) throws -> [CustomerFacts] {
        let single = agents?.count == 1 ? agents!.first : nil
        // The customers in scope, with their first sale and servicing agent.
        let scope = """
            WITH firsts AS (
                SELECT lead_id, MIN(sold_at) AS first_sold, id AS first_policy FROM policy
                WHERE status <> 'cancelled'
                  AND (?1 IS NULL OR lead_id IN (SELECT lead_id FROM policy WHERE servicing_agent_id = ?1 AND status = 'in_force'))
                GROUP BY lead_id
            ), customers AS (
                SELECT firsts.lead_id, firsts.first_sold, firsts.first_policy,
                       (SELECT servicing_agent_id FROM policy AS p WHERE p.lead_id = firsts.lead_id AND p.status = 'in_force'
                        ORDER BY p.id DESC LIMIT 1) AS agent
                FROM firsts WHERE EXISTS (SELECT 1 FROM policy AS p WHERE p.lead_id = firsts.lead_id AND p.status = 'in_force'
                                          AND (?1 IS NULL OR p.servicing_agent_id = ?1))
            )
            """
        var facts: [Int64: CustomerFacts] = [:]
        var firstSold: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: scope + "SELECT lead_id, first_sold, first_policy AS id, agent FROM customers ORDER BY lead_id", arguments: [single]) {
            // The first policy's id names the row (the lead's id named a different policy).
            let id = try StoredValue.int64(row, "lead_id", table: "policy"), first = try StoredValue.string(row, "first_sold", table: "policy")
            let agent = try StoredValue.value(Int64.self, row, "agent", table: "policy", expected: "an agent id (servicing_agent_id)")
            if let agents, !agents.contains(agent) { continue }
            let policy = try StoredValue.int64(row, "id", table: "policy")
            let day = try StoredValue.day(String(first.prefix(10)), table: "policy", column: "sold_at", id: policy)
            facts[id] = CustomerFacts(customer: id, agent: agent, facts: ProgrammeFacts(firstSale: day))
            firstSold[id] = first
        }
        guard !facts.isEmpty else { return [] }

        // Policies: due days of renewal premiums, and later policies as conversions.
        let horizon = try today().adding(days: 400)
        var dueDays: [Int64: [CivilDay]] = [:]
        for row in try Row.fetchAll(db, sql: scope + """
            SELECT policy.id, policy.lead_id, policy.sold_at, policy.mode, policy.status FROM policy JOIN customers ON customers.lead_id = policy.lead_id
            WHERE policy.status <> 'cancelled'
            """, arguments: [single]) {
            let id = try StoredValue.int64(row, "lead_id", table: "policy")
            guard facts[id] != nil else { continue }
            let sold = try StoredValue.day(row, "sold_at", table: "policy"), mode = try StoredValue.enum(PremiumMode.self, row, "mode", table: "policy")
            if sold > facts[id]!.facts.firstSale { facts[id]!.facts.attempts.append(sold) }
            // Due days far enough ahead for every window up to a year past today.
            var installment = 1
            while installment <= 1_200 {
                let due = RenewalRules.dueDay(soldOn: sold, mode: mode, installment: installment)
                if due > horizon { break }
                dueDays[id, default: []].append(due)
                installment += 1
            }
        }

        // Calls after the first sale: care contacts, renewal reminders, conversion attempts.
        let households = Households(settings: settings, clock: clock)
        for row in try Row.fetchAll(db, sql: scope + """
            SELECT call.id, call.lead_id, call.started_at, call.disposition, call.contact, customer_touch.id IS NOT NULL AS nurture
            FROM call JOIN customers ON customers.lead_id = call.lead_id AND call.started_at > customers.first_sold
            LEFT JOIN customer_touch ON customer_touch.call_id = call.id
            ORDER BY call.lead_id, call.started_at
            """, arguments: [single]) {
            let id = try StoredValue.int64(row, "lead_id", table: "call")
            guard facts[id] != nil else { continue }
            let at = try StoredValue.string(row, "started_at", table: "call"), on = try StoredValue.day(row, "started_at", table: "call")
            let contact = try StoredValue.value(Bool.self, row, "contact", table: "call"), nurture = try StoredValue.value(Bool.self, row, "nurture", table: "customer_touch")
            let disposition = try StoredValue.string(row, "disposition", table: "call")
            if contact && !nurture {
                facts[id]!.facts.careContacts.append(on)
                let reminder = (dueDays[id] ?? []).contains { due in
                    due.adding(days: -settings.renewals.queueDays) <= on && on <= due.adding(days: settings.renewals.graceDays)
                }
                if reminder { facts[id]!.facts.renewalServices.append(on) }
            }
            if disposition == "proposal" || disposition == "sale",
               try hadSuggestion(db, households: households, lead: id, firstSold: firstSold[id]!, at: at) {
                facts[id]!.facts.attempts.append(on)
            }
        }

        for row in try Row.fetchAll(db, sql: scope + """
            SELECT customer_touch.id, customer_touch.lead_id, customer_touch.kind, customer_touch.on_day FROM customer_touch
            JOIN customers ON customers.lead_id = customer_touch.lead_id
            """, arguments: [single]) {
            let id = try StoredValue.int64(row, "lead_id", table: "customer_touch")
            guard facts[id] != nil else { continue }
            let on = try StoredValue.day(row, "on_day", table: "customer_touch")
            if try StoredValue.enum(TouchKind.self, row, "kind", table: "customer_touch") == .visit { facts[id]!.facts.visits.append(on) } else { facts[id]!.facts.touches.append(on) }
        }

        for row in try Row.fetchAll(db, sql: scope + """
            SELECT renewal_payment.id, policy.lead_id, renewal_payment.paid_on FROM renewal_payment JOIN policy ON policy.id = renewal_payment.policy_id
            JOIN customers ON customers.lead_id = policy.lead_id
            """, arguments: [single]) {
            let id = try StoredValue.int64(row, "lead_id", table: "policy")
            guard facts[id] != nil else { continue }
            let on = try StoredValue.day(row, "paid_on", table: "renewal_payment")
            facts[id]!.facts.renewalServices.append(on)
        }

        for referral in try CustomerLeads.referralsGiven(db) {
            guard facts[referral.customer] != nil, let on = CivilDay(referral.at.prefix(10)) else { continue }
            facts[referral.customer]!.facts.referrals.append(on)
        }
        return facts.keys.sorted().map { facts[$0]! }
    }

    /// Whether a cross-sell suggestion stood for the customer at a call: a policy past free-look
    /// by then, and the household as it was then has cover to offer.
    private func hadSuggestion(_ db: Database, households: Households, lead: Int64, firstSold: String, at: String) throws -> Bool {
        guard let call = clock.parse(at), let sold = clock.parse(firstSold),
              clock.adding(days: settings.sales.freeLookDays, to: sold) <= call,
              let snapshot = try LeadProgress.lead(db, id: lead) else { return false }
        let household = try households.household(db, lead: snapshot, asOf: at)
        return !CrossSell.suggestions(for: household, catalog: settings.products, rules: settings.crossSell).isEmpty
    }
}

/// Why a call was made, when it is more than the cadence's next step (`calls log --purpose`).
public enum CallPurpose: String, CaseIterable, Sendable {
    /// A nurturing touch of a customer programme (seed 003: 养客).
    case nurture
}

extension ProgrammeRow: TabularRow {
    public static var blank: ProgrammeRow {
        let step = ProgrammeStep(done: 0, required: 0)
        return ProgrammeRow(customer: 0, name: "", agentCode: "", programme: .newCustomer, windowStart: "", windowEnd: "",
                            steps: Steps(care: step, touches: step, attempts: step, referrals: step), complete: false, overdue: [], due: [],
                            daysLeft: 0, nextDeadline: "")
    }
}
