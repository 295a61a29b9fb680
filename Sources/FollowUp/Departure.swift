import CallOpsCore
import CallOpsStore
import Foundation
import LeadData
import Roster

/// What `callops roster leave` did (SPEC section 13).
public struct DepartureResult: Encodable, Equatable, Sendable {
    public var agentCode: String
    public var leftOn: String
    public var leadsReleased = 0
    public var callbacksMoved = 0
    /// Callbacks back in the pool because no teammate had room.
    public var callbacksToPool = 0
    public var customersHandedOver: [CustomerHandover] = []
    /// The seed that broke ties between equally loaded teammates.
    public var seed: UInt64

    enum CodingKeys: String, CodingKey {
        case seed
        case agentCode = "agent_code"
        case leftOn = "left_on"
        case leadsReleased = "leads_released"
        case callbacksMoved = "callbacks_moved"
        case callbacksToPool = "callbacks_to_pool"
        case customersHandedOver = "customers_handed_over"
    }
}

/// An agent leaves (SPEC sections 4 and 7): the roster records the first day away, the leads go
/// back (callbacks to a teammate), and every customer is handed to a servicing agent.
public struct Departure {
    let settings: Settings
    let clock: Clock

    public init(settings: Settings, clock: Clock) {
        self.settings = settings
        self.clock = clock
    }

    /// The seed of a departure: the one given, else one drawn from the agent and the day.
    public func seed(_ given: UInt64?, agent: String) -> UInt64 {
        if let given { return given }
        var hasher = SHA256()
        hasher.update(Array("leave \(agent) \(clock.today)".utf8))
        return UInt64(hasher.hexDigest().prefix(16), radix: 16)!
    }

    /// `roster leave`: records the departure and hands everything over, in the caller's transaction.
    public func leave(_ db: Database, agent code: String, leftOn: CivilDay, to successor: String?, reason: String?, seed: UInt64?) throws -> DepartureResult {
        let agent = try Roster.agent(db, code: code)
        let taker = try successor.map { try self.successor(db, code: $0, leaver: agent) }
        // The same departure again while the agent still serves customers (of a sale of their
        // last days, imported after the departure, whom no teammate could take): they are handed
        // over. With nothing left, leaving twice is refused.
        if agent.status == .left, let recorded = try Roster.leftOn(db, agent: agent), recorded == leftOn,
           try !CustomerServicing.customers(db, servedBy: agent.id).isEmpty {
            return try handOver(db, agent: agent, leftOn: leftOn, to: taker, reason: reason, seed: self.seed(seed, agent: code))
        }
        try Roster.recordDeparture(db, agent: agent, leftOn: leftOn, reason: reason, clock: clock)
        return try handOver(db, agent: agent, leftOn: leftOn, to: taker, reason: reason, seed: self.seed(seed, agent: code))
    }

    /// Hands over the leads and customers of an agent the roster already marks `left` (a roster
    /// import), in the caller's transaction.
    public func handOver(_ db: Database, leaver code: String, leftOn: CivilDay, reason: String?, seed: UInt64?) throws -> DepartureResult {
        let agent = try Roster.agent(db, code: code)
        return try handOver(db, agent: agent, leftOn: leftOn, to: nil, reason: reason, seed: self.seed(seed, agent: code))
    }

    private func successor(_ db: Database, code: String, leaver: Agent) throws -> Agent {
        let taker = try Roster.agent(db, code: code)
        if taker.id == leaver.id { throw CallOpsError.invalidValue(field: "--to", value: code, expected: "another agent than the one leaving") }
        if taker.status == .left { throw CallOpsError.invalidValue(field: "--to", value: code, expected: "an agent on the roster (\(code) has left)") }
        return taker
    }

    private func handOver(_ db: Database, agent: Agent, leftOn: CivilDay, to taker: Agent?, reason: String?, seed: UInt64) throws -> DepartureResult {
        var result = DepartureResult(agentCode: agent.code, leftOn: leftOn.description, seed: seed)
        guard let team = try Roster.teamID(db, name: agent.team) else { return result }
        let leads = try Recycler(settings: settings, clock: clock).releaseLeads(db, of: AgentID(agent.id), team: team, successor: taker.map { AgentID($0.id) })
        result.leadsReleased = leads.released
        result.callbacksMoved = leads.callbacksMoved
        result.callbacksToPool = leads.callbacksToPool

        let customers = try CustomerServicing.customers(db, servedBy: agent.id)
        guard !customers.isEmpty else { return result }
        let why = "agent \(agent.code) left on \(leftOn)" + (reason.map { " (\($0))" } ?? "")
        if let taker {
            for customer in customers {
                try CustomerServicing.handOver(db, customer: LeadID(customer), from: AgentID(agent.id), to: AgentID(taker.id), reason: why + ", named successor", clock: clock)
                result.customersHandedOver.append(CustomerHandover(customer: customer, to: taker.code))
            }
            return result
        }
        let teammates = try Roster.agents(db, team: agent.team).filter { $0.status == .active && $0.id != agent.id }
        guard !teammates.isEmpty else {
            throw CallOpsError.refused(
                "agent \(agent.code) serves \(customers.count) customers and team \(agent.team) has no active agent to take them; name one with `callops roster leave --agent \(agent.code) --date \(leftOn) --to AGENT`")
        }
        var counts = try CustomerServicing.customerCounts(db, agents: teammates.map(\.id))
        var random = SeededRandom(seed: seed)
        for customer in customers {
            let pick = Self.pick(teammates.map { (code: $0.code, customers: counts[$0.id] ?? 0) }, random: &random)
            let chosen = teammates.first { $0.code == pick }!
            try CustomerServicing.handOver(db, customer: LeadID(customer), from: AgentID(agent.id), to: AgentID(chosen.id),
                                           reason: why + ", to the teammate with the fewest customers (\(counts[chosen.id] ?? 0))", clock: clock)
            counts[chosen.id, default: 0] += 1
            result.customersHandedOver.append(CustomerHandover(customer: customer, to: chosen.code))
        }
        return result
    }

    /// The customers of the policies after `policy` sold by agents who have left since (their
    /// last days' calls imported after the departure), in policy order: each handed to the
    /// active teammate with the fewest customers, as the departure handed the seller's other
    /// customers. What a calls import does once all its calls are in (until then the seller
    /// serves the customer, as `CallRecorder.record` and the bulk import both take it). A
    /// customer already served by someone on the roster stays with them; with no active
    /// teammate the customer stays where `callops check` names them.
    @discardableResult
    public func handOverLeaversSales(_ db: Database, after policy: Int64) throws -> LeaversSales {
        var result = LeaversSales()
        let sold = try Row.fetchAll(db, sql: "SELECT lead_id, agent_id FROM policy WHERE id > ? ORDER BY id", arguments: [policy])
            .map { (customer: try StoredValue.int64($0, "lead_id", table: "policy"), seller: try StoredValue.int64($0, "agent_id", table: "policy")) }
        guard !sold.isEmpty else { return result }
        let standings = try Roster.standings(db, ids: Set(sold.map(\.seller)))
        for (customer, seller) in sold where standings[seller]?.status == .left {
            try handOverSale(db, customer: customer, seller: try Roster.agent(db, id: seller), result: &result)
        }
        return result
    }

    /// What `handOverLeaversSales` did.
    public struct LeaversSales: Encodable, Equatable, Sendable {
        public var handedOver: [CustomerHandover] = []
        /// Customers no one could take (the seller's team has no active agent), each with the
        /// command that hands them over.
        public var unserved: [String] = []
    }

    private func handOverSale(_ db: Database, customer: Int64, seller: Agent, result: inout LeaversSales) throws {
        guard try CustomerServicing.serves(db, agent: seller.id, customer: customer) else { return }
        // Someone on the roster serving the customer already (a policy sold before, or after,
        // by another agent) keeps them, as the policy table's trigger gives a new policy to them.
        if let server = try CustomerServicing.servingAgentOnRoster(db, customer: customer) {
            try CustomerServicing.handOver(db, customer: LeadID(customer), from: AgentID(seller.id), to: AgentID(server),
                                           reason: "sold by agent \(seller.code), who has left, to the agent who serves the customer already", clock: clock)
            result.handedOver.append(CustomerHandover(customer: customer, to: try Roster.codes(db, ids: [server])[server] ?? "?"))
            return
        }
        let teammates = try Roster.agents(db, team: seller.team).filter { $0.status == .active && $0.id != seller.id }
        guard !teammates.isEmpty else {
            let leftOn = try Roster.leftOn(db, agent: seller).map { $0.description } ?? "DAY"
            result.unserved.append(
                "customer (lead \(customer)) sold by agent \(seller.code), who has left, is still theirs: team \(seller.team) has no active agent to take them; hand them over with `callops roster leave --agent \(seller.code) --date \(leftOn) --to AGENT`")
            return
        }
        let counts = try CustomerServicing.customerCounts(db, agents: teammates.map(\.id))
        var random = SeededRandom(seed: seed(nil, agent: seller.code))
        let pick = Self.pick(teammates.map { (code: $0.code, customers: counts[$0.id] ?? 0) }, random: &random)
        let chosen = teammates.first { $0.code == pick }!
        try CustomerServicing.handOver(db, customer: LeadID(customer), from: AgentID(seller.id), to: AgentID(chosen.id),
                                       reason: "sold by agent \(seller.code), who has left, to the teammate with the fewest customers (\(counts[chosen.id] ?? 0))",
                                       clock: clock)
        result.handedOver.append(CustomerHandover(customer: customer, to: chosen.code))
    }

    /// The teammate with the fewest customers; a tie is broken by the seeded draw.
    /// - Parameter teammates: codes with their customer counts, in roster order.
    /// - Returns: the chosen code.
    public static func pick(_ teammates: [(code: String, customers: Int)], random: inout SeededRandom) -> String {
        let fewest = teammates.map(\.customers).min()!
        let tied = teammates.filter { $0.customers == fewest }.map(\.code).sorted()
        return tied.count == 1 ? tied[0] : tied[Int(random.next() % UInt64(tied.count))]
    }
}
